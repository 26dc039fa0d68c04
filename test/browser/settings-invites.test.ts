import type { Browser, Page } from 'playwright-core';
import { capturePage, launchChromium, newConsoleContext } from '../support/browser';
import { openPage, rowWith, signIn } from '../support/browser-console';
import {
  type ConsoleService,
  ENTERPRISE_USER,
  oktaUser,
  SCIM_USER,
  startConsoleService,
} from '../support/browser-service';

/**
 * Edit Settings in a real browser against `npm start`: the auto-invite switch (checked in
 * /local/outbox and the Users page), a custom attribute resolved by the live preview, and an invalid
 * attribute name answered inline beside its own field.
 */

const TENANT = 'browser-settings';
let service: ConsoleService;
let browser: Browser;
let page: Page;
let token: string;

beforeAll(async () => {
  [service, browser] = await Promise.all([startConsoleService(), launchChromium()]);
  // The token comes from the admin API here; generating one in the console is provisioning-tokens' part.
  const issued = await service.admin(TENANT, 'POST', '/tokens', { idp: 'okta' });
  expect(issued.status).toBe(201);
  token = issued.body.token;
  const context = await newConsoleContext(browser, service.origin);
  context.setDefaultTimeout(30_000);
  page = await context.newPage();
  await signIn(page, service.adminKey, TENANT);
});

afterAll(async () => {
  await browser?.close();
  if (service) expect(await service.stop()).toEqual([]);
});

async function openEditSettings(): Promise<void> {
  await openPage(page, 'User Provisioning');
  await page.getByRole('button', { name: 'Edit Settings' }).click();
  await page.getByRole('heading', { name: 'Edit Settings', level: 1 }).waitFor();
}

async function saveChanges(): Promise<void> {
  await page.getByRole('button', { name: 'Save Changes' }).click();
}

/** Mail local SES captured for `address`, once there is some (the stream consumer sends it). */
async function mailTo(address: string): Promise<{ to: string[]; subject: string; text: string | null }[]> {
  for (;;) {
    const outbox = await service.get('/local/outbox');
    const mails = (outbox.body.messages as { to: string[]; subject: string; text: string | null }[]).filter(
      (m) => m.to.includes(address),
    );
    if (mails.length > 0) return mails;
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('"Automatically invite users imported from Okta", saved, invites a user Okta creates: outbox and Users show it', async () => {
  await openEditSettings();
  await capturePage(page, 'edit-settings');
  const autoInvite = page.getByLabel('Automatically invite users imported from Okta');
  expect(await autoInvite.isChecked()).toBe(false);
  await autoInvite.check();
  await saveChanges();
  await page.getByRole('heading', { name: 'User Provisioning', level: 1 }).waitFor();
  expect((await service.admin(TENANT, 'GET', '/settings')).body.autoInviteUsers).toBe(true);

  const created = await service.scim(TENANT, token, 'POST', '/Users', oktaUser('grace.hopper@example.com'));
  expect(created.status).toBe(201);
  const mails = await mailTo('grace.hopper@example.com');
  expect(mails).toHaveLength(1);
  for (;;) {
    const user = await service.admin(TENANT, 'GET', `/users/${created.body.id}`);
    if (user.body.invite?.state === 'sent') break;
    await new Promise((r) => setTimeout(r, 250));
  }

  await openPage(page, 'Users');
  const row = rowWith(page, 'grace.hopper@example.com');
  await row.getByText(/sent/i).first().waitFor();
  await row.getByRole('link').first().click();
  await page.getByRole('button', { name: 'Resend invitation' }).waitFor();
});

test('"Add Custom Attribute" adds a row whose variable the live preview resolves for a user that has it', async () => {
  const user = await service.scim(TENANT, token, 'POST', '/Users', {
    ...oktaUser('katherine.johnson@example.com'),
    schemas: [SCIM_USER, ENTERPRISE_USER],
    [ENTERPRISE_USER]: { costCenter: 'CC-4217' },
  });
  expect(user.status).toBe(201);

  await openEditSettings();
  await page.getByRole('button', { name: 'Add Custom Attribute' }).click();
  const attribute = customAttributeRow(page, 0);
  await attribute.getByLabel(/name/i).first().fill('costCode');
  await attribute.getByLabel(/SCIM attribute/i).fill(`${ENTERPRISE_USER}:costCenter`);
  await page
    .getByLabel(/subject/i)
    .first()
    .fill('Welcome to ${costCode}, ${userName}');

  await choosePreviewUser(page, 'katherine.johnson@example.com');
  await page.getByText('Welcome to CC-4217, katherine.johnson@example.com').first().waitFor();
  await capturePage(page, 'edit-settings-preview');

  await saveChanges();
  await page.getByRole('heading', { name: 'User Provisioning', level: 1 }).waitFor();
  const settings = (await service.admin(TENANT, 'GET', '/settings')).body;
  expect(settings.customAttributes).toEqual([
    expect.objectContaining({ name: 'costCode', scimPath: `${ENTERPRISE_USER}:costCenter` }),
  ]);
});

test('an invalid attribute name ("1bad") is answered inline beside that field, and nothing is saved', async () => {
  await openEditSettings();
  await page.getByRole('button', { name: 'Add Custom Attribute' }).click();
  const rows = customAttributeRows(page);
  const added = customAttributeRow(page, (await rows.count()) - 1);
  await added.getByLabel(/name/i).first().fill('1bad');
  await saveChanges();

  // The error sits in the added row (the settings API's field path customAttributes[1].name), not elsewhere.
  await added
    .getByText(/1bad|name/i)
    .filter({ hasNotText: '' })
    .first()
    .waitFor();
  await added.locator('[id*="error"], [class*="error"]').first().waitFor();
  expect(await customAttributeRow(page, 0).locator('[class*="error__message"]').count()).toBe(0);
  await page.getByRole('heading', { name: 'Edit Settings', level: 1 }).waitFor();
  await capturePage(page, 'edit-settings-invalid');
  expect((await service.admin(TENANT, 'GET', '/settings')).body.customAttributes).toHaveLength(1);
});

/** The custom attribute rows of the form (Cloudscape's attribute editor: one row per attribute). */
function customAttributeRows(page: Page) {
  return page.locator('[class*="attribute-editor"][class*="row"]');
}

function customAttributeRow(page: Page, index: number) {
  return customAttributeRows(page).nth(index);
}

/** The preview's user picker (a select or autocomplete of users). */
async function choosePreviewUser(page: Page, userName: string): Promise<void> {
  const picker = page.getByLabel(/preview/i).first();
  await picker.click();
  if (
    (await picker.getAttribute('type')) === 'text' ||
    (await picker.evaluate('(e) => e.tagName')) === 'INPUT'
  )
    await picker.fill(userName.slice(0, 8));
  await page
    .getByRole('option', { name: new RegExp(userName) })
    .first()
    .click();
}
