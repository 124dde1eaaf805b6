import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { browserOrigin, chatPassword, describeBrowser, expectHeading, goToSessions, launchChromium, openPage } from '../support/browser.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The paths of the scripts the page asks for, in order: not the service worker's own requests (its install precaches
 * the app shell in the background), nor its registration, which waits until the page has loaded and is idle.
 */
function recordScripts(page: Page): string[] {
  const scripts: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (r.serviceWorker() || !url.pathname.endsWith('.js') || /\/register-sw-/.test(url.pathname)) return;
    scripts.push(url.pathname);
  });
  return scripts;
}

const isDictionary = (p: string) => /\/assets\/zxcvbn-[^/]*\.js$/.test(p);

describeBrowser(`web UI in Chromium: what the first load fetches (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
    origin = browserOrigin(t);
    await t.client().signup('alice', chatPassword('alice'));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the log-in page is one script and no password dictionary; logging in fetches none; the password change does', async () => {
    const { context, page } = await openPage(browser);
    const scripts = recordScripts(page);
    await page.goto(`${origin}/login`);
    await expectHeading(page, 'Log in', { focused: false });
    // The shell only: one script (the entry with Preact and the public pages); the SDK waits for the form's focus.
    expect(scripts.filter((p) => p.startsWith('/assets/'))).toHaveLength(1);
    expect(scripts.some((p) => /\/(client|sdk|signed-in|signup)-/.test(p))).toBe(false);

    await page.getByLabel('User name').fill('alice');
    await page.getByLabel('Password', { exact: true }).fill(chatPassword('alice'));
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await expectHeading(page, 'Conversations');
    // The client came when the form was used; the dictionaries did not.
    expect(scripts.some((p) => /\/client-/.test(p))).toBe(true);
    expect(scripts.filter(isDictionary)).toEqual([]);

    // The password change (on the Sessions page) checks strength: the dictionaries come with its first keystroke.
    await goToSessions(page);
    expect(scripts.filter(isDictionary)).toEqual([]);
    await page.getByLabel('New password', { exact: true }).fill('cobalt-thistle-orbit-66');
    await page.locator('#new-password-strength', { hasText: /Strong enough\./ }).waitFor();
    expect(scripts.filter(isDictionary)).toHaveLength(1);
    await context.close();
  });

  it('the sign-up page fetches the password dictionary once its form is used, not before', async () => {
    const { context, page } = await openPage(browser);
    const scripts = recordScripts(page);
    await page.goto(`${origin}/signup`);
    await expectHeading(page, 'Create your account', { focused: false });
    expect(scripts.filter(isDictionary)).toEqual([]);

    await page.getByLabel('User name').fill('bob');
    await page.getByLabel('Password', { exact: true }).fill(chatPassword('bob'));
    await page.locator('#signup-strength', { hasText: /Strong enough\./ }).waitFor();
    expect(scripts.filter(isDictionary)).toHaveLength(1);
    await context.close();
  });
});
