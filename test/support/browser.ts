import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { describe, it } from 'vitest';
import { testEnv } from './env.js';
import { TEST_KDF, type TestServer } from './server.js';

/** The localStorage key the web UI reads for KDF parameters (see src/web/client.ts). */
const TEST_KDF_KEY = 'parley:test-kdf';

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export const chromiumAvailable = executable(testEnv.chromium);

/**
 * A describe block for Chromium tests: skipped when Chromium is missing, unless PARLEY_TEST_REQUIRE lists `browser`,
 * in which case the run fails with a message that says why.
 */
export function describeBrowser(name: string, body: () => void): void {
  if (!chromiumAvailable && testEnv.require.has('browser')) {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(
          `Chromium is required (PARLEY_TEST_REQUIRE includes "browser") but ${testEnv.chromium} is not an executable ` +
            'file: install Debian\'s chromium (apt-get install chromium) or set PARLEY_TEST_CHROMIUM to its path.',
        );
      });
    });
    return;
  }
  describe.skipIf(!chromiumAvailable)(name, body);
}

/** Headless Debian Chromium, with nothing that talks to the network on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: testEnv.chromium,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The origin the browser uses: localhost, where Chromium accepts the `__Host-` Secure session cookie over HTTP. */
export function browserOrigin(t: TestServer): string {
  return `http://localhost:${new URL(t.url).port}`;
}

export interface OpenPageOptions {
  /** Set the fast test KDF override before any page script runs (default true). */
  testKdf?: boolean;
  viewport?: { width: number; height: number };
}

/** A fresh browser context (one user, its own cookies and storage) with one page. */
export async function openPage(browser: Browser, options: OpenPageOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 } });
  context.setDefaultTimeout(10_000);
  if (options.testKdf ?? true) {
    await context.addInitScript(
      ([key, value]) => {
        try {
          localStorage.setItem(key, value);
        } catch {
          // about:blank and other opaque origins have no storage.
        }
      },
      [TEST_KDF_KEY, JSON.stringify(TEST_KDF)] as const,
    );
  }
  const page = await context.newPage();
  return { context, page };
}

/** Waits for the page's h1 with this text, and checks that it has the focus (it does after a navigation). */
export async function expectHeading(page: Page, name: string, { focused = true } = {}): Promise<void> {
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
  if (focused) {
    await page.waitForFunction(
      (text) => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === text,
      name,
    );
  }
}

/** Signs up through the UI from the landing page; ends on the home shell. */
export async function signUpInUi(page: Page, origin: string, username: string, password: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByRole('link', { name: 'Sign up' }).click();
  await expectHeading(page, 'Create your account');
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password', { exact: true }).fill(password);
  await page.locator('#signup-strength', { hasText: /Strong enough\./ }).waitFor();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expectHeading(page, 'Conversations');
}

/** Logs in through the log-in page (navigating to it directly). */
export async function logInInUi(page: Page, origin: string, username: string, password: string): Promise<void> {
  await page.goto(`${origin}/login`);
  await expectHeading(page, 'Log in', { focused: false });
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await expectHeading(page, 'Conversations');
}

/** Opens the Sessions page from the main navigation of the signed-in shell. */
export async function goToSessions(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
  await expectHeading(page, 'Sessions and security');
}
