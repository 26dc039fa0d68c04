import type { Locator, Page } from 'playwright-core';

/**
 * The console's flows as an identity admin clicks them, found by the product's own labels (issue 11:
 * "Admin key", "Tenant", "Sign in", the navigation entries, "Generate", "Token", "Select", …).
 */

export type NavigationEntry = 'User Provisioning' | 'Users' | 'User groups' | 'Provisioning log';

/** Opens the console and signs in with the local admin key and a tenant. */
export async function signIn(page: Page, adminKey: string, tenant: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Admin key').fill(adminKey);
  await page.getByLabel('Tenant').fill(tenant);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await navigationLink(page, 'User Provisioning').waitFor();
}

/** The side navigation's link (the tests click at desktop width; screenshots switch widths and come back). */
export function navigationLink(page: Page, entry: NavigationEntry): Locator {
  return page
    .getByRole('navigation', { name: 'Side navigation' })
    .getByRole('link', { name: entry, exact: true });
}

/** Clicks a navigation entry (an in-page hash change: the key stays in memory). */
export async function followNavigation(page: Page, entry: NavigationEntry): Promise<void> {
  const link = navigationLink(page, entry);
  // A screenshot at 390 px closes the navigation (a drawer on a phone); it stays closed at desktop width.
  if (!(await link.isVisible())) await page.getByRole('button', { name: 'Open side navigation' }).click();
  await link.click();
}

/** Follows a navigation entry and waits for the page's heading. */
export async function openPage(
  page: Page,
  entry: NavigationEntry,
  heading: string | RegExp = entry,
): Promise<void> {
  await followNavigation(page, entry);
  await page.getByRole('heading', { name: heading, level: 1 }).first().waitFor();
}

/** The modal dialog that is open now. */
export function dialog(page: Page): Locator {
  return page.getByRole('dialog');
}

/** "Generate" on User Provisioning, then the confirmation's own "Generate"; answers the secret shown. */
export async function generateToken(page: Page): Promise<{ token: string; scimUrl: string }> {
  await generateButton(page).click();
  const modal = dialog(page);
  await modal.getByRole('button', { name: 'Generate', exact: true }).click();
  return shownSecret(page);
}

/** The page's own "Generate" (not the confirmation's). */
export function generateButton(page: Page): Locator {
  return page.getByRole('main').getByRole('button', { name: 'Generate', exact: true }).first();
}

/** The read-only "Token" and "Target SCIM URL" fields of a generated or renewed token. */
export async function shownSecret(page: Page): Promise<{ token: string; scimUrl: string }> {
  const tokenField = page.getByLabel('Token', { exact: true });
  await tokenField.waitFor();
  await page.getByLabel('Target SCIM URL', { exact: true }).waitFor();
  return {
    token: await tokenField.inputValue(),
    scimUrl: await page.getByLabel('Target SCIM URL', { exact: true }).inputValue(),
  };
}

/** The Token Status table's row of the token whose secret ends in `hint` (the last 4 shown). */
export function tokenRow(page: Page, secret: string): Locator {
  return page
    .getByRole('table', { name: 'Token Status' })
    .getByRole('row')
    .filter({ hasText: secret.slice(-4) });
}

/** The row's "Select" menu, then one of its items ("Set to Active", "Set to Inactive", "Renew", "Remove"). */
export async function tokenAction(page: Page, secret: string, action: string): Promise<void> {
  const menu = tokenRow(page, secret).getByRole('button', { name: /Select/ });
  await menu.click();
  await page.getByRole('menuitem', { name: action, exact: true }).click();
}

/** A row of the table named `table` (its aria label) holding `text`. */
export function rowWith(page: Page, table: string, text: string | RegExp): Locator {
  return page.getByRole('table', { name: table, exact: true }).getByRole('row').filter({ hasText: text });
}

/** The rows of a table's body (not its header row). */
export function bodyRows(page: Page, table: string): Locator {
  return page
    .getByRole('table', { name: table, exact: true })
    .getByRole('row')
    .filter({ has: page.getByRole('cell') });
}

/** The cell of `row` under the column headed `column` of the table named `table`. */
export async function cellUnder(page: Page, table: string, row: Locator, column: string): Promise<Locator> {
  const headers = await page
    .getByRole('table', { name: table, exact: true })
    .getByRole('columnheader')
    .allTextContents();
  const index = headers.findIndex((h) => h.trim() === column);
  if (index < 0) throw new Error(`no column "${column}" among ${JSON.stringify(headers)}`);
  return row.getByRole('cell').nth(index);
}

/** The text of the elements that describe `field` (aria-describedby): a form field's own error. */
export async function descriptionOf(field: Locator): Promise<string> {
  return field.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id: string) => el.ownerDocument.getElementById(id)?.textContent ?? '')
      .join(' '),
  );
}
