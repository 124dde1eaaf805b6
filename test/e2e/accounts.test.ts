import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  browserOrigin,
  describeBrowser,
  expectHeading,
  goToSessions,
  launchChromium,
  logInInUi,
  openPage,
  signUpInUi,
} from '../support/browser.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';

const ALICE_PASSWORD = 'violet-harbor-lantern-93';
const BOB_PASSWORD = 'quartz-meadow-circuit-58';
const CAROL_PASSWORD = 'amber-falcon-river-204';
const CAROL_NEW_PASSWORD = 'cobalt-thistle-orbit-66';

/** Submits the log-in form and waits for its alert (the form stays on the page). */
async function failLogin(page: Page, expected: string): Promise<void> {
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/auth/login')),
    page.getByRole('button', { name: 'Log in', exact: true }).click(),
  ]);
  await page.getByRole('alert').filter({ hasText: expected }).waitFor();
}

describeBrowser(`web UI in Chromium: accounts and sessions (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
    origin = browserOrigin(t);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs up with a live strength meter, shows the home shell, logs out and logs in again', async () => {
    const { context, page } = await openPage(browser);
    await page.goto(`${origin}/`);
    await expectHeading(page, 'Private conversations, end to end', { focused: false });
    await page.getByRole('link', { name: 'Sign up' }).click();
    await expectHeading(page, 'Create your account');

    const submit = page.getByRole('button', { name: 'Create account' });
    const meter = page.locator('#signup-strength');
    await page.getByLabel('User name').fill('alice');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await meter.filter({ hasText: 'at least 10 characters' }).waitFor();
    expect(await submit.isDisabled()).toBe(true);

    await page.getByLabel('Password', { exact: true }).fill('password123');
    await meter.filter({ hasText: 'Not strong enough yet' }).waitFor();
    expect(await meter.textContent()).toMatch(/Strength: (Very weak|Weak|Fair) \([0-2] of 4\)/);
    expect(await submit.isDisabled()).toBe(true);

    await page.getByLabel('Password', { exact: true }).fill(ALICE_PASSWORD);
    await meter.filter({ hasText: /Strong enough\./ }).waitFor();
    expect(await meter.textContent()).toMatch(/Strength: (Strong|Very strong) \([34] of 4\)/);
    await page.getByLabel('Confirm password').fill('violet-harbor-lantern-9');
    await page.getByText('The passwords do not match.').waitFor();
    expect(await submit.isDisabled()).toBe(true);
    await page.getByLabel('Confirm password').fill(ALICE_PASSWORD);
    await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('button[type=submit]')?.disabled);
    await submit.click();

    await expectHeading(page, 'Conversations');
    await page.getByText('Your conversations will appear here').waitFor();
    expect(await page.getByRole('banner').textContent()).toContain('alice');
    expect(page.workers().length).toBeGreaterThan(0); // the KDF ran in a Web Worker

    // A reload keeps the session (client.me() decides).
    await page.reload();
    await expectHeading(page, 'Conversations', { focused: false });

    await page.getByRole('button', { name: 'Log out' }).click();
    await expectHeading(page, 'Private conversations, end to end');
    await page.getByRole('link', { name: 'Log in' }).click();
    await expectHeading(page, 'Log in');
    await page.getByLabel('User name').fill('alice');
    await page.getByLabel('Password', { exact: true }).fill('not-the-right-password-1');
    await failLogin(page, 'The user name or password is incorrect.');
    await page.getByLabel('Password', { exact: true }).fill(ALICE_PASSWORD);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await expectHeading(page, 'Conversations');
    expect(await page.getByRole('banner').textContent()).toContain('alice');
    await context.close();
  });

  it('lists sessions and revokes another device, which is signed out', async () => {
    const laptop = await openPage(browser);
    const phone = await openPage(browser);
    await signUpInUi(laptop.page, origin, 'bob', BOB_PASSWORD);
    await logInInUi(phone.page, origin, 'bob', BOB_PASSWORD);

    await goToSessions(laptop.page);
    const items = laptop.page.getByRole('list', { name: 'Signed-in devices' }).getByRole('listitem');
    await items.nth(1).waitFor();
    expect(await items.count()).toBe(2);
    expect(await items.nth(0).textContent()).toContain('This device');
    expect(await items.nth(0).textContent()).toContain('Chrome on Linux');
    expect(await items.nth(0).getByRole('button').count()).toBe(0);
    expect(await items.nth(1).textContent()).not.toContain('This device');

    await items.nth(1).getByRole('button', { name: /^Revoke/ }).click();
    await laptop.page.getByRole('status').filter({ hasText: 'Signed out Chrome on Linux' }).waitFor();
    await laptop.page.waitForFunction(() => document.querySelectorAll('[aria-label="Signed-in devices"] > li').length === 1);

    // The phone is told at once over its socket, and a reload finds no session either.
    await expectHeading(phone.page, 'Log in');
    await phone.page.getByRole('status').filter({ hasText: 'signed out from another device' }).waitFor();
    await phone.page.reload();
    await expectHeading(phone.page, 'Log in', { focused: false });
    await phone.page.goto(`${origin}/sessions`);
    await expectHeading(phone.page, 'Log in', { focused: false });

    // The laptop is still signed in.
    await laptop.page.reload();
    await expectHeading(laptop.page, 'Sessions and security', { focused: false });
    await laptop.context.close();
    await phone.context.close();
  });

  it('changes the password, signing out the other device; then rate-limits failed log-ins with a wait time', async () => {
    const laptop = await openPage(browser);
    const phone = await openPage(browser);
    await signUpInUi(laptop.page, origin, 'carol', CAROL_PASSWORD);
    await logInInUi(phone.page, origin, 'carol', CAROL_PASSWORD);

    const page = laptop.page;
    await goToSessions(page);
    const change = page.getByRole('button', { name: 'Change password' });
    await page.getByLabel('Current password').fill('wrong-current-password-7');
    await page.getByLabel('New password', { exact: true }).fill(CAROL_NEW_PASSWORD);
    await page.getByLabel('Confirm new password').fill(CAROL_NEW_PASSWORD);
    await page.locator('#new-password-strength', { hasText: /Strong enough\./ }).waitFor();
    await change.click();
    await page.getByRole('alert').filter({ hasText: 'The current password is incorrect.' }).waitFor();

    await page.getByLabel('Current password').fill(CAROL_PASSWORD);
    await change.click();
    await page.getByRole('status').filter({ hasText: 'Password changed' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[aria-label="Signed-in devices"] > li').length === 1);

    await expectHeading(phone.page, 'Log in');
    await phone.page.getByRole('status').filter({ hasText: 'password was changed' }).waitFor();
    await phone.page.getByLabel('User name').fill('carol');
    await phone.page.getByLabel('Password', { exact: true }).fill(CAROL_PASSWORD);
    await failLogin(phone.page, 'The user name or password is incorrect.');
    await phone.page.getByLabel('Password', { exact: true }).fill(CAROL_NEW_PASSWORD);
    await phone.page.getByRole('button', { name: 'Log in', exact: true }).click();
    await expectHeading(phone.page, 'Conversations');

    // Five failures use up the account's allowance (LOGIN_FAILURES_PER_ACCOUNT=5); the sixth answer is 429.
    const stranger = await openPage(browser);
    await stranger.page.goto(`${origin}/login`);
    await stranger.page.getByLabel('User name').fill('carol');
    await stranger.page.getByLabel('Password', { exact: true }).fill('guessing-wrong-again-1');
    for (let i = 0; i < 5; i++) await failLogin(stranger.page, 'The user name or password is incorrect.');
    await failLogin(stranger.page, 'Too many attempts. Try again in 15 minutes.');

    await Promise.all([laptop.context.close(), phone.context.close(), stranger.context.close()]);
  });
});
