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

/**
 * The side navigation's link. At 390 px the navigation is a drawer, so the tests click it at the
 * desktop width (screenshots switch widths and come back).
 */
export function navigationLink(page: Page, entry: NavigationEntry): Locator {
  return page.getByRole('navigation').getByRole('link', { name: entry, exact: true }).first();
}

/** Follows a navigation entry (an in-page hash change: the key stays in memory) and waits for its heading. */
export async function openPage(
  page: Page,
  entry: NavigationEntry,
  heading: string | RegExp = entry,
): Promise<void> {
  await navigationLink(page, entry).click();
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
  return page.getByRole('row').filter({ hasText: secret.slice(-4) });
}

/** The row's "Select" menu, then one of its items ("Set to Active", "Set to Inactive", "Renew", "Remove"). */
export async function tokenAction(page: Page, secret: string, action: string): Promise<void> {
  await tokenRow(page, secret).getByRole('button', { name: 'Select' }).click();
  await page.getByRole('menuitem', { name: action, exact: true }).click();
}

/** Finds a table row by a cell's text. */
export function rowWith(page: Page, text: string): Locator {
  return page.getByRole('row').filter({ hasText: text });
}

/** The header of `column` in the table that holds `row`, by position, and that row's cell beneath it. */
export async function cellUnder(page: Page, row: Locator, column: string): Promise<Locator> {
  const headers = await page.getByRole('columnheader').allInnerTexts();
  const index = headers.findIndex((h) => h.trim().startsWith(column));
  if (index < 0) throw new Error(`no column "${column}" among ${JSON.stringify(headers)}`);
  return row.getByRole('cell').nth(index);
}
