import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  capturePage,
  expectSecretNotKept,
  launchChromium,
  newConsoleContext,
  readClipboard,
} from '../support/browser';
import {
  bodyRows,
  cellUnder,
  dialog,
  generateButton,
  generateToken,
  openPage,
  rowWith,
  shownSecret,
  signIn,
  tokenAction,
  tokenRow,
} from '../support/browser-console';
import { type ConsoleService, oktaUser, SCIM_GROUP, startConsoleService } from '../support/browser-service';

/**
 * User Provisioning in a real browser against `npm start`: sign in, generate an Okta token, copy it,
 * provision with it, and every token action of the "Select" menu, each checked through SCIM.
 * The tests run in order on one signed-in page (the admin key lives in the page's memory only).
 */

const TENANT = 'browser-tokens';
let service: ConsoleService;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** The first generated token (the one the console copied) and what it provisioned. */
let token: string;
let userId: string;

beforeAll(async () => {
  // One after the other, so that afterAll can close whichever started if the other fails.
  browser = await launchChromium();
  service = await startConsoleService();
  context = await newConsoleContext(browser, service.origin);
  context.setDefaultTimeout(30_000);
  page = await context.newPage();
  // The console may need a build first (web/ changed): minutes on a loaded machine.
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (service) expect(await service.stop()).toEqual([]);
});

const listUsers = (secret: string) => service.scim(TENANT, secret, 'GET', '/Users?count=1');

test('signs in with the admin key and a tenant, and keeps the key out of storage and the URL', async () => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await capturePage(page, 'sign-in');
  await signIn(page, service.adminKey, TENANT);
  await page.getByRole('heading', { name: 'User Provisioning', level: 1 }).waitFor();
  await expectSecretNotKept(page, service.adminKey);
  await capturePage(page, 'user-provisioning');
});

test('generates an Okta token whose copied secret is the Token field, shown once and never stored', async () => {
  // Each IdP's own setup steps and field names, with the tenant's Target SCIM URL filled in.
  const scimUrl = `${service.origin}/scim/v2/${TENANT}`;
  const steps = page.getByTestId('setup-steps');
  await chooseIdp(page, 'Microsoft Entra ID');
  await page.getByRole('heading', { name: 'Set up Microsoft Entra ID' }).waitFor();
  for (const words of ['"Tenant URL"', '"Secret Token"', 'Test Connection', scimUrl])
    expect(await steps.textContent()).toContain(words);
  await chooseIdp(page, 'Okta');
  await page.getByRole('heading', { name: 'Set up Okta' }).waitFor();
  for (const words of [
    'SCIM 2.0 Test App (OAuth Bearer Token)',
    '"SCIM 2.0 Base Url"',
    '"OAuth Bearer Token"',
    'Test API Credentials',
    scimUrl,
  ])
    expect(await steps.textContent()).toContain(words);

  const shown = await generateToken(page);
  expect(shown.token).toMatch(/\S{20,}/);
  expect(shown.scimUrl).toBe(`${service.origin}/scim/v2/${TENANT}`);
  await page
    .getByText(/only once/i)
    .first()
    .waitFor();

  await dialog(page).getByTestId('copy-token').click();
  await dialog(page).getByText('Copied').first().waitFor();
  expect(await readClipboard(page)).toBe(shown.token);
  await dialog(page).getByTestId('copy-scim-url').click();
  expect(await readClipboard(page)).toBe(shown.scimUrl);

  await expectSecretNotKept(page, shown.token);
  await capturePage(page, 'token-result');
  token = shown.token;

  const tokens = await service.admin(TENANT, 'GET', '/tokens');
  expect(tokens.body.tokens).toEqual([expect.objectContaining({ idp: 'okta', status: 'active' })]);
});

test('the copied token provisions a user and a group: Users shows Source "SCIM Okta", User groups 1 member', async () => {
  await closeSecretView(page);
  const user = await service.scim(TENANT, token, 'POST', '/Users', oktaUser('ada.lovelace@example.com'));
  expect(user.status).toBe(201);
  userId = user.body.id;
  const group = await service.scim(TENANT, token, 'POST', '/Groups', {
    schemas: [SCIM_GROUP],
    displayName: 'Analytical Engineers',
    members: [{ value: userId, display: 'ada.lovelace@example.com' }],
  });
  expect(group.status).toBe(201);

  await openPage(page, 'Users');
  const userRow = rowWith(page, 'Users', 'ada.lovelace@example.com');
  await userRow.getByText('SCIM Okta').waitFor();
  expect(await (await cellUnder(page, 'Users', userRow, 'Source')).textContent()).toBe('SCIM Okta');
  expect(await (await cellUnder(page, 'Users', userRow, 'Groups')).textContent()).toBe(
    'Analytical Engineers',
  );
  await capturePage(page, 'users');

  await userRow.getByRole('link', { name: 'Ada Lovelace' }).click();
  const scim = page.getByTestId('user-scim');
  await scim.getByText('"userName"').first().waitFor();
  expect(await scim.textContent()).toContain(userId);
  await capturePage(page, 'user-detail');

  await openPage(page, 'User groups');
  const groupRow = rowWith(page, 'User groups', 'Analytical Engineers');
  await groupRow.waitFor();
  expect(await (await cellUnder(page, 'User groups', groupRow, 'Members')).textContent()).toBe('1');
  expect(await (await cellUnder(page, 'User groups', groupRow, 'Source')).textContent()).toBe('SCIM Okta');
  await capturePage(page, 'user-groups');

  await groupRow.getByRole('link', { name: 'Analytical Engineers' }).click();
  const members = 'Members of Analytical Engineers';
  await rowWith(page, members, 'ada.lovelace@example.com').waitFor();
  expect(await bodyRows(page, members).count()).toBe(1);
  await capturePage(page, 'group-members');
});

test('"Set to Inactive" refuses the same SCIM call (401) and the health line shows it; "Set to Active" lets it in', async () => {
  await openPage(page, 'User Provisioning');
  expect((await listUsers(token)).status).toBe(200);

  await tokenAction(page, token, 'Set to Inactive');
  await tokenRow(page, token).getByText('Inactive').waitFor();
  expect((await listUsers(token)).status).toBe(401);

  await healthShows(page, / · 401/);
  await capturePage(page, 'user-provisioning-refused');

  await tokenAction(page, token, 'Set to Active');
  await tokenRow(page, token).getByText('Active', { exact: true }).waitFor();
  expect((await listUsers(token)).status).toBe(200);
  await healthShows(page, / · 200/);
});

test('"Renew" asks first, shows the new secret once; the old one is refused, the new one works', async () => {
  await tokenAction(page, token, 'Renew');
  await dialog(page).getByRole('button', { name: 'Renew', exact: true }).click();
  const renewed = await shownSecret(page);
  expect(renewed.token).not.toBe(token);
  await expectSecretNotKept(page, renewed.token);
  await closeSecretView(page);

  expect((await listUsers(token)).status).toBe(401);
  expect((await listUsers(renewed.token)).status).toBe(200);
  token = renewed.token;
  await tokenRow(page, token).waitFor();
});

test('with two tokens "Generate" is disabled and says why; "Remove" asks first and frees the slot', async () => {
  const second = await generateToken(page);
  await closeSecretView(page);
  await tokenRow(page, second.token).waitFor();
  expect(await generateButton(page).isDisabled()).toBe(true);
  await page
    .getByText(/2 tokens|two tokens/i)
    .first()
    .waitFor();
  await capturePage(page, 'user-provisioning-two-tokens');

  await tokenAction(page, second.token, 'Remove');
  await dialog(page).getByRole('button', { name: 'Remove', exact: true }).click();
  await tokenRow(page, second.token).waitFor({ state: 'detached' });
  expect((await listUsers(second.token)).status).toBe(401);
  expect(await generateButton(page).isEnabled()).toBe(true);
  expect((await service.admin(TENANT, 'GET', '/tokens')).body.tokens).toHaveLength(1);
});

test('the Provisioning log lists the refused request with its SCIM detail', async () => {
  await openPage(page, 'Provisioning log');
  const refused = rowWith(page, 'Request log', /401/).first();
  await refused.waitFor();
  await refused.getByText('Error detail').click();
  await refused
    .getByText(/401|token|Unauthorized/i)
    .first()
    .waitFor();
  await capturePage(page, 'provisioning-log');
  // The status filter: only refusals.
  await page.getByRole('button', { name: /^Status/ }).click();
  await page.getByRole('option', { name: '4xx (refused)' }).click();
  await everyStatusIs(page, /^4\d\d$/);
  await page.getByRole('tab', { name: 'Audit trail' }).click();
  await page
    .getByRole('table', { name: 'Audit trail' })
    .getByRole('row')
    .filter({ hasText: 'local-admin' })
    .first()
    .waitFor();
  await capturePage(page, 'provisioning-log-audit');
});

/** Waits until the request log shows rows and every one's Status matches `status` (the filter applied). */
async function everyStatusIs(page: Page, status: RegExp): Promise<void> {
  const headers = await page
    .getByRole('table', { name: 'Request log' })
    .getByRole('columnheader')
    .allTextContents();
  const column = headers.findIndex((h) => h.trim() === 'Status') + 1;
  const cells = page.getByRole('table', { name: 'Request log' }).locator(`tbody tr td:nth-child(${column})`);
  let seen: string[] = [];
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    seen = (await cells.allTextContents()).map((t) => t.trim());
    if (seen.length > 0 && seen.every((t) => status.test(t))) return;
    await page.waitForTimeout(200);
  }
  expect(seen).toEqual(expect.arrayContaining([expect.stringMatching(status)]));
  expect(seen.filter((t) => !status.test(t))).toEqual([]);
}

/** The IdP picker: a select labelled "Choose Identity Provider (IdP)". */
async function chooseIdp(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: /Choose Identity Provider \(IdP\)/ }).click();
  // The selected option is announced as "Selected Okta".
  await page.getByRole('option', { name: new RegExp(`^(Selected )?${name}$`) }).click();
  await page.getByRole('button', { name: `Choose Identity Provider (IdP) ${name}` }).waitFor();
}

/** Closes the dialog that shows a secret ("Done"): the secret leaves the page with it. */
async function closeSecretView(page: Page): Promise<void> {
  const modal = dialog(page);
  await modal.getByRole('button', { name: 'Done' }).click();
  await modal.waitFor({ state: 'hidden' });
}

/**
 * Waits for the connection health line ("Okta · last request … · 200") to show `status`, pressing its
 * refresh button meanwhile: the request log behind it is written just after the SCIM answer.
 */
async function healthShows(page: Page, status: RegExp): Promise<void> {
  const line = page.getByTestId('connection-health').filter({ hasText: status });
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    await page.getByRole('button', { name: 'Refresh connection health' }).click();
    if (
      await line.waitFor({ timeout: 3_000 }).then(
        () => true,
        () => false,
      )
    )
      return;
  }
  await line.waitFor({ timeout: 1 });
}
