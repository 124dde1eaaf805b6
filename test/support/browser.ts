import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { describe, it } from 'vitest';
import { testEnv } from './env.js';
import { TEST_KDF, type TestServer } from './server.js';

/** The localStorage key the web UI reads for KDF parameters (see src/web/client.ts). */
export const TEST_KDF_KEY = 'parley:test-kdf';

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
  // Without Chromium (and without PARLEY_TEST_REQUIRE=browser) the suite says so in its output, then leaves these out;
  // CI requires the browser, so there they fail instead (above).
  if (!chromiumAvailable) {
    console.warn(`Browser tests left out ("${name}"): Chromium not found at ${testEnv.chromium}. Install it or set PARLEY_TEST_REQUIRE=browser to fail instead.`);
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

export async function goToSettings(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expectHeading(page, 'Settings');
}

/* ---- Chat helpers (the signed-in home is the chat app) ---- */

/** Records console errors, page errors and CSP violations of a context; read `problems` at the end. */
export async function watchProblems(context: BrowserContext): Promise<string[]> {
  const problems: string[] = [];
  context.on('console', (m) => {
    if (/status of 401/.test(m.text())) return;
    if (m.type() === 'error' || m.text().includes('Content Security Policy')) problems.push(`console: ${m.text()}`);
  });
  context.on('weberror', (e) => problems.push(`error: ${e.error().message}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return problems;
}

/** Shows the Chats or Contacts tab of the sidebar. */
export async function showTab(page: Page, tab: 'Chats' | 'Contacts'): Promise<void> {
  const button = page.getByRole('tab', { name: new RegExp(`^${tab}`) });
  if ((await button.getAttribute('aria-selected')) !== 'true') await button.click();
}

/** Sends a contact request from the Contacts tab and waits for the confirmation. */
export async function requestContactInUi(page: Page, username: string): Promise<void> {
  await showTab(page, 'Contacts');
  await page.getByLabel('Add a contact').fill(username);
  await page.getByRole('button', { name: 'Send request' }).click();
  await page.getByRole('status').filter({ hasText: `Request sent to ${username}` }).waitFor();
}

/** Opens a conversation by its title from the Chats tab; waits for its log. */
export async function openConversationInUi(page: Page, title: string): Promise<void> {
  await showTab(page, 'Chats');
  await page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: new RegExp(`^${escapeRegExp(title)}(\\s|$)`) }).click();
  await page.getByRole('heading', { level: 2, name: title, exact: true }).waitFor();
  await page.getByRole('log', { name: `Messages with ${title}` }).waitFor();
}

/** Types a message in the open conversation, presses Enter, and waits until the server acknowledged it. */
export async function sendInUi(page: Page, text: string): Promise<void> {
  const composer = page.locator('#composer-input');
  await composer.fill(text);
  await composer.press('Enter');
  await page.locator('.is-pending').waitFor({ state: 'detached' });
}

/** The messages of the open conversation's log that the server stored (not those on their way): they have a seq. */
const STORED_TEXTS = '[role="log"] .message[data-seq] .message-text';

/** The texts of the messages in the open conversation's log, in order (acknowledged ones only). */
export function messageTexts(page: Page): Promise<string[]> {
  return page.$$eval(STORED_TEXTS, (els) => els.map((e) => e.textContent ?? ''));
}

/** Waits until the open conversation shows exactly these texts, in order. */
export async function expectMessages(page: Page, texts: string[], timeout = 5_000): Promise<void> {
  try {
    await page.waitForFunction(
      ({ expected, selector }) => {
        const got = [...document.querySelectorAll(selector)].map((e) => e.textContent);
        return JSON.stringify(got) === JSON.stringify(expected);
      },
      { expected: texts, selector: STORED_TEXTS },
      { timeout },
    );
  } catch (err) {
    throw new Error(`expected messages ${JSON.stringify(texts)}, saw ${JSON.stringify(await messageTexts(page))}`, { cause: err });
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A signed-up user in their own browser context, with its console and CSP problems recorded. */
export interface ChatUser {
  name: string;
  context: BrowserContext;
  page: Page;
  problems: string[];
}

/**
 * A user signed up through the SDK (quicker than the sign-up page, which other tests cover) and logged in through the
 * UI in a fresh context. The password is derived from the name.
 */
export async function chatUser(browser: Browser, t: TestServer, name: string, options: OpenPageOptions = {}): Promise<ChatUser> {
  const [{ context, page }] = await Promise.all([openPage(browser, options), t.client().signup(name, chatPassword(name))]);
  const problems = await watchProblems(context);
  await logInInUi(page, browserOrigin(t), name, chatPassword(name));
  return { name, context, page, problems };
}

/** The password chatUser() signs up with. */
export function chatPassword(name: string): string {
  return `${name}-violet-harbor-lantern-93`;
}

/** `from` sends a contact request to each of `to`, and each accepts it in their own page. */
export async function befriendInUi(from: ChatUser, ...to: ChatUser[]): Promise<void> {
  for (const other of to) await requestContactInUi(from.page, other.name);
  await Promise.all(
    to.map(async (other) => {
      await showTab(other.page, 'Contacts');
      await other.page.getByRole('button', { name: `Accept ${from.name}`, exact: true }).click();
      await other.page.getByRole('button', { name: `Message ${from.name}`, exact: true }).waitFor();
    }),
  );
  for (const other of to) await from.page.getByRole('button', { name: `Message ${other.name}`, exact: true }).waitFor();
}

/** Creates a group from the New group dialog and waits for its conversation to open. */
export async function createGroupInUi(page: Page, name: string, members: string[]): Promise<void> {
  await showTab(page, 'Chats');
  await page.getByRole('button', { name: 'New group' }).click();
  const dialog = page.getByRole('dialog', { name: 'New group' });
  await dialog.getByLabel('Group name').fill(name);
  for (const member of members) await dialog.getByRole('checkbox', { name: member, exact: true }).check();
  await dialog.getByRole('button', { name: 'Create group' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('heading', { level: 2, name, exact: true }).waitFor();
}
