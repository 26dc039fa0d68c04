import type { Browser, Page } from 'playwright-core';
import { capturePage, launchChromium, newConsoleContext } from '../support/browser';
import {
  cellUnder,
  descriptionOf,
  followNavigation,
  openPage,
  rowWith,
  signIn,
} from '../support/browser-console';
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
  // One after the other, so that afterAll can close whichever started if the other fails.
  browser = await launchChromium();
  service = await startConsoleService();
  // The token comes from the admin API here; generating one in the console is provisioning-tokens' part.
  const issued = await service.admin(TENANT, 'POST', '/tokens', { idp: 'okta' });
  expect(issued.status).toBe(201);
  token = issued.body.token;
  const context = await newConsoleContext(browser, service.origin);
  context.setDefaultTimeout(30_000);
  page = await context.newPage();
  await signIn(page, service.adminKey, TENANT);
  // The console may need a build first (web/ changed): minutes on a loaded machine.
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (service) expect(await service.stop()).toEqual([]);
});

async function openEditSettings(): Promise<void> {
  await openPage(page, 'User Provisioning');
  await page.getByRole('button', { name: 'Edit Settings' }).click();
  await page.getByRole('heading', { name: 'Edit Settings', level: 1 }).waitFor();
}

/** "Save Changes", and the form's answer: the "Settings saved." notice or its errors. */
async function saveChanges(): Promise<void> {
  await page.getByRole('button', { name: 'Save Changes' }).click();
}

async function savedNotice(): Promise<void> {
  await page.getByText('Settings saved.').waitFor();
}

/** Mail local SES captured for `address`, once there is some (the stream consumer sends it). */
async function mailTo(address: string): Promise<{ to: string[]; subject: string; text: string | null }[]> {
  for (const deadline = Date.now() + 60_000; ; ) {
    const outbox = await service.get('/local/outbox');
    const mails = (outbox.body.messages as { to: string[]; subject: string; text: string | null }[]).filter(
      (m) => m.to.includes(address),
    );
    if (mails.length > 0 || Date.now() > deadline) return mails;
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('"Automatically invite users imported from Okta", saved, invites a user Okta creates: outbox and Users show it', async () => {
  await openEditSettings();
  await capturePage(page, 'edit-settings');
  const autoInvite = page.getByLabel('Automatically invite users imported from Okta');
  expect(await autoInvite.isChecked()).toBe(false);
  await autoInvite.check();
  await page.getByText('You have unsaved changes.').waitFor();
  await saveChanges();
  await savedNotice();
  expect((await service.admin(TENANT, 'GET', '/settings')).body.autoInviteUsers).toBe(true);

  const created = await service.scim(TENANT, token, 'POST', '/Users', oktaUser('grace.hopper@example.com'));
  expect(created.status).toBe(201);
  const mails = await mailTo('grace.hopper@example.com');
  expect(mails).toHaveLength(1);
  // npm start's fake SES events report the delivery (local/ses-events.ts).
  await inviteState(created.body.id, 'delivered');

  await openPage(page, 'Users');
  const row = rowWith(page, 'Users', 'grace.hopper@example.com');
  await row.waitFor();
  expect(await (await cellUnder(page, 'Users', row, 'Invitation')).textContent()).toMatch(/^delivered/);
  await row.getByRole('button', { name: 'Resend invitation to grace.hopper@example.com' }).click();
  await page.getByText(/^Invitation to grace\.hopper@example\.com: /).waitFor();
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    if ((await mailTo('grace.hopper@example.com')).length >= 2) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(await mailTo('grace.hopper@example.com')).toHaveLength(2);
});

test('"Add Custom Attribute" adds a row whose variable the live preview resolves for a user that has it', async () => {
  await openEditSettings();
  await page.getByRole('button', { name: 'Add Custom Attribute' }).click();
  await page.getByLabel('Custom attribute 1 name').fill('costCode');
  await page.getByLabel('Custom attribute 1 SCIM attribute').fill(`${ENTERPRISE_USER}:costCenter`);
  await page.getByLabel('Custom attribute 1 description').fill('Cost center from HR');
  await page.getByLabel('Subject', { exact: true }).fill('Welcome to ${costCode}, ${userName}');
  await saveChanges();
  await savedNotice();
  const settings = (await service.admin(TENANT, 'GET', '/settings')).body;
  expect(settings.customAttributes).toEqual([
    { name: 'costCode', scimPath: `${ENTERPRISE_USER}:costCenter`, description: 'Cost center from HR' },
  ]);

  const user = await service.scim(TENANT, token, 'POST', '/Users', {
    ...oktaUser('katherine.johnson@example.com'),
    schemas: [SCIM_USER, ENTERPRISE_USER],
    [ENTERPRISE_USER]: { costCenter: 'CC-4217' },
  });
  expect(user.status).toBe(201);
  await choosePreviewUser('katherine.johnson');
  const preview = page.getByTestId('invite-preview');
  await preview.getByText('Welcome to CC-4217, katherine.johnson@example.com').waitFor();
  await capturePage(page, 'edit-settings-preview');
});

test('the preview resolves the default invitation body too, ${inviteLink} included', async () => {
  const preview = page.getByTestId('invite-preview');
  await preview.getByText(/^Hello Katherine Johnson,/).waitFor();
  expect(await preview.textContent()).not.toContain('Cannot preview');
});

test('an invalid attribute name ("1bad") is answered inline beside that field, and nothing is saved', async () => {
  await page.getByRole('button', { name: 'Add Custom Attribute' }).click();
  const badName = page.getByLabel('Custom attribute 2 name');
  await badName.fill('1bad');
  await saveChanges();

  // The settings API names customAttributes[1].name; the form shows it as that field's own error.
  await page.locator('input[aria-label="Custom attribute 2 name"][aria-invalid="true"]').waitFor();
  expect(await descriptionOf(badName)).toContain('1bad');
  expect(await descriptionOf(page.getByLabel('Custom attribute 1 name'))).toBe('');
  expect(await descriptionOf(page.getByLabel('Custom attribute 2 SCIM attribute'))).toBe('');
  await capturePage(page, 'edit-settings-invalid');
  expect((await service.admin(TENANT, 'GET', '/settings')).body.customAttributes).toHaveLength(1);

  // Leaving with the unsaved row asks first instead of dropping it silently.
  await followNavigation(page, 'Users');
  await page.getByRole('dialog').getByText('Discard unsaved changes?').waitFor();
  await page.getByRole('button', { name: 'Keep editing' }).click();
  expect(await badName.inputValue()).toBe('1bad');
});

/** Polls the admin API until the user's invitation is in `state` (the stream consumer sends it). */
async function inviteState(userId: string, state: string): Promise<void> {
  for (const deadline = Date.now() + 60_000; ; ) {
    const user = await service.admin(TENANT, 'GET', `/users/${userId}`);
    if (user.body.invite?.state === state) return;
    if (Date.now() > deadline) expect(user.body.invite).toEqual(expect.objectContaining({ state }));
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The preview's user picker: a select whose filter searches users by prefix. */
async function choosePreviewUser(prefix: string): Promise<void> {
  await page.getByRole('button', { name: /Preview for user/ }).click();
  await page.getByRole('combobox', { name: 'Search users' }).fill(prefix);
  await page
    .getByRole('option', { name: new RegExp(prefix) })
    .first()
    .click();
}
