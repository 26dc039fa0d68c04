import type { Browser, Page } from 'playwright-core';
import { capturePage, launchChromium, newConsoleContext } from '../support/browser';
import { openPage, rowWith, signIn } from '../support/browser-console';
import {
  type ConsoleService,
  oktaUser,
  seedUsersByBulk,
  startConsoleService,
} from '../support/browser-service';

/**
 * Users in a tenant of 2,000 (seeded through SCIM POST /Bulk, 100 operations a request): the first
 * page is a page, not the tenant, and a search by email prefix finds the one user.
 */

const TENANT = 'browser-directory';
const SEEDED = 1999;
let service: ConsoleService;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [service, browser] = await Promise.all([startConsoleService(), launchChromium()]);
  const issued = await service.admin(TENANT, 'POST', '/tokens', { idp: 'okta' });
  expect(issued.status).toBe(201);
  const token: string = issued.body.token;
  // userName and email differ, so the search by email prefix is not a userName search in disguise.
  await seedUsersByBulk(
    service,
    TENANT,
    token,
    SEEDED,
    (i) => `member${String(i).padStart(4, '0')}@example.com`,
  );
  const target = await service.scim(TENANT, token, 'POST', '/Users', {
    ...oktaUser('kjohnson'),
    emails: [{ primary: true, value: 'Katherine.Johnson@nasa.example', type: 'work' }],
  });
  expect(target.status).toBe(201);
  const context = await newConsoleContext(browser, service.origin);
  context.setDefaultTimeout(30_000);
  page = await context.newPage();
  await signIn(page, service.adminKey, TENANT);
  // Seeding 2,000 users takes about a minute and a half on a loaded 2-core machine.
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (service) expect(await service.stop()).toEqual([]);
});

test('the Users page of a 2,000-user tenant shows one page of them', async () => {
  await openPage(page, 'Users');
  await rowWith(page, 'member').first().waitFor();
  const shown = await page.getByRole('row').filter({ hasText: '@example.com' }).count();
  expect(shown).toBeGreaterThan(0);
  expect(shown).toBeLessThan(SEEDED);
});

test('a search by email prefix, in another case, finds the one user among 2,000', async () => {
  await searchUsers(page, 'katherine.jo');
  await rowWith(page, 'kjohnson').waitFor();
  await page.getByRole('row').filter({ hasText: 'member0' }).first().waitFor({ state: 'detached' });
  const rows = page.getByRole('row').filter({ hasText: /@/ });
  expect(await rows.count()).toBe(1);
  expect(await rows.first().textContent()).toContain('Katherine.Johnson@nasa.example');
  await capturePage(page, 'users-search');
});

test('a search by userName prefix narrows the 2,000 to the matching ones', async () => {
  await searchUsers(page, 'member199');
  await rowWith(page, 'member1998@example.com').waitFor();
  await rowWith(page, 'kjohnson').waitFor({ state: 'detached' });
  const rows = page.getByRole('row').filter({ hasText: /member199\d@example\.com/ });
  expect(await rows.count()).toBe(9);
});

/** Types into the Users page's search field (by userName or email prefix). */
async function searchUsers(page: Page, prefix: string): Promise<void> {
  const search = page
    .getByRole('searchbox')
    .or(page.getByPlaceholder(/search|find/i))
    .first();
  await search.fill(prefix);
  await search.press('Enter');
}
