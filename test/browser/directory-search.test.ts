import type { Browser, Page } from 'playwright-core';
import { capturePage, launchChromium, newConsoleContext } from '../support/browser';
import { bodyRows, openPage, rowWith, signIn } from '../support/browser-console';
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
  // One after the other, so that afterAll can close whichever started if the other fails.
  browser = await launchChromium();
  service = await startConsoleService();
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

test('the Users page of a 2,000-user tenant shows one page of them, with a next page', async () => {
  await openPage(page, 'Users');
  await rowWith(page, 'Users', /member\d{4}@example\.com/)
    .first()
    .waitFor();
  const shown = await bodyRows(page, 'Users').count();
  expect(shown).toBeGreaterThan(0);
  expect(shown).toBeLessThan(100);
  const first = await bodyRows(page, 'Users').allTextContents();
  await capturePage(page, 'users-2000');
  await page
    .getByRole('button', { name: /next page/i })
    .first()
    .click();
  await rowWith(page, 'Users', first[0]).waitFor({ state: 'detached' });
  const second = await bodyRows(page, 'Users').allTextContents();
  expect(second.length).toBeGreaterThan(0);
  expect(second.filter((row) => first.includes(row))).toEqual([]);
});

test('a search by email prefix, in another case, finds the one user among 2,000', async () => {
  await searchUsers(page, 'katherine.jo');
  await rowWith(page, 'Users', 'kjohnson').waitFor();
  await rowWith(page, 'Users', /member\d{4}/)
    .first()
    .waitFor({ state: 'detached' });
  const rows = bodyRows(page, 'Users');
  expect(await rows.count()).toBe(1);
  expect(await rows.first().textContent()).toContain('Katherine.Johnson@nasa.example');
  await capturePage(page, 'users-search');
});

test('a search by userName prefix narrows the 2,000 to the matching ones', async () => {
  await searchUsers(page, 'member199');
  await rowWith(page, 'Users', 'member1998@example.com').waitFor();
  await rowWith(page, 'Users', 'kjohnson').waitFor({ state: 'detached' });
  expect(await bodyRows(page, 'Users').count()).toBe(9);
});

/** Types into the Users page's search field (by userName or email prefix); the table follows. */
async function searchUsers(page: Page, prefix: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search users by userName or email prefix' }).fill(prefix);
}
