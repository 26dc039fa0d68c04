import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * The browser side of the console tests: Debian's chromium driven by playwright-core (no bundled
 * browser download), screenshots at two widths, an axe-core scan and the "no secret kept" check.
 */

const root = join(__dirname, '..', '..');
export const SCREENSHOT_DIR = join(root, 'test-results', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Headless chromium with a fresh profile (playwright's default temporary user-data directory). */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No chromium at ${CHROMIUM}: install Debian's (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH`,
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A context on `origin` that may read and write the clipboard (the "Copy" buttons are read back). */
export async function newConsoleContext(browser: Browser, origin: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: DESKTOP, baseURL: origin });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  return context;
}

/** What the page's clipboard holds now (navigator.clipboard.readText in the page). */
export function readClipboard(page: Page): Promise<string> {
  return page.evaluate('navigator.clipboard.readText()') as Promise<string>;
}

/**
 * Saves `<name>-desktop.png` (1280×800) and `<name>-390.png` (390×844), full page, under
 * test-results/screenshots/, then puts the viewport back to desktop.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = name.replace(/[^a-z0-9-]+/gi, '-').toLowerCase();
  // From the top: a full-page shot of a scrolled page draws the sticky top bar in the middle.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${file}-desktop.png`), fullPage: true });
  const closeNavigation = page.getByRole('button', { name: 'Close side navigation' });
  const navigationWasOpen = await closeNavigation.isVisible();
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${file}-390.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
  // On a phone the side navigation closes; reopen it so the next desktop view is as it was (unless a
  // dialog covers the page).
  if (
    navigationWasOpen &&
    (await page.getByRole('dialog').count()) === 0 &&
    !(await closeNavigation.isVisible())
  )
    await page.getByRole('button', { name: 'Open side navigation' }).click();
}

export interface A11yViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** The axe-core violations of impact serious or critical on the page as it is now. */
export async function seriousA11yViolations(page: Page): Promise<A11yViolation[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact as string,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
}

/** Fails, listing each one, when axe-core finds a serious or critical violation. */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const violations = await seriousA11yViolations(page);
  // The list itself is the failure message: rule, impact, what it means and the elements it found.
  expect(violations).toEqual([]);
}

/** A page's screenshots at both widths and its axe scan, the check every console page gets. */
export async function capturePage(page: Page, name: string): Promise<void> {
  // The page as an admin sees it once loaded: no table still "Loading …" (Cloudscape's loadingText).
  // A function, not a string: the console's CSP (no 'unsafe-eval') refuses evaluated strings. It runs
  // in the page, so it names nothing of this file; innerText is the visible text (hidden nodes left out).
  await page.waitForFunction(
    () => {
      const body = (globalThis as unknown as { document: { body: { innerText: string } } }).document.body;
      // biome-ignore lint/performance/useDomNodeTextContent: only what is rendered counts
      return !/\bLoading [a-z]/.test(body.innerText);
    },
    undefined,
    { timeout: 60_000 },
  );
  await screenshot(page, name);
  await expectNoSeriousA11yViolations(page);
}

/** Where a console could leave a secret behind in the browser. */
export async function browserStorage(page: Page): Promise<{
  localStorage: string;
  sessionStorage: string;
  href: string;
  cookie: string;
}> {
  return (await page.evaluate(`({
    localStorage: JSON.stringify(Object.entries(localStorage)),
    sessionStorage: JSON.stringify(Object.entries(sessionStorage)),
    href: location.href,
    cookie: document.cookie,
  })`)) as { localStorage: string; sessionStorage: string; href: string; cookie: string };
}

/**
 * The secret (a generated token, the admin key) appears in none of localStorage, sessionStorage,
 * location.href or document.cookie.
 */
export async function expectSecretNotKept(page: Page, secret: string): Promise<void> {
  expect(secret.length).toBeGreaterThan(8);
  const stored = await browserStorage(page);
  for (const [where, value] of Object.entries(stored)) {
    expect({ where, containsSecret: value.includes(secret) }).toEqual({ where, containsSecret: false });
  }
}
