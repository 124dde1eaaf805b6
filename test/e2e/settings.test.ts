import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ContactDto } from '../../src/sdk/index.js';
import { browserOrigin, describeBrowser, expectHeading, launchChromium, logInInUi, openPage, signUpInUi, watchProblems } from '../support/browser.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { PASSWORDS, signedIn } from '../support/users.js';

const ALICE = PASSWORDS.alice ?? '';
const CAROL = PASSWORDS.carol ?? '';

describeBrowser(`web UI in Chromium: settings (${dialect})`, () => {
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

  it('opens from the header, has every section, and "Sign out everywhere else" signs the other browsers out at once', async () => {
    const laptop = await openPage(browser);
    const problems = await watchProblems(laptop.context);
    const phone = await openPage(browser, { viewport: { width: 390, height: 844 } });
    const tablet = await openPage(browser);
    await signUpInUi(laptop.page, origin, 'alice', ALICE);
    await logInInUi(phone.page, origin, 'alice', ALICE);
    await logInInUi(tablet.page, origin, 'alice', ALICE);

    const page = laptop.page;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await expectHeading(page, 'Settings');
    for (const name of ['Profile', 'Notifications', 'Sessions and devices', 'Security', 'Privacy', 'Account']) {
      await page.getByRole('heading', { level: 2, name, exact: true }).waitFor();
      await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name, exact: true }).waitFor();
    }
    expect(await page.locator('[data-slot="notifications"]').count()).toBe(1);

    const items = page.getByRole('list', { name: 'Signed-in devices' }).getByRole('listitem');
    await items.nth(2).waitFor();
    expect(await items.count()).toBe(3);
    expect(await items.nth(0).textContent()).toContain('This device');

    // Keyboard: the button is reached with Tab and pressed with Enter.
    const button = page.getByRole('button', { name: 'Sign out everywhere else' });
    await button.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Signed out 2 other sessions.' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[aria-label="Signed-in devices"] > li').length === 1);

    for (const other of [phone.page, tablet.page]) {
      await expectHeading(other, 'Log in');
      await other.getByRole('status').filter({ hasText: 'signed out from another device' }).waitFor();
    }
    // The history export is saved from the page (made here, escaped HTML).
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download as a web page' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^parley-history-alice-\d{4}-\d{2}-\d{2}\.html$/);
    const saved = await download.path();
    expect(fs.readFileSync(saved, 'utf8')).toContain('<h1>Parley history of alice</h1>');
    await page.getByRole('status').filter({ hasText: /Saved \d+ messages from 0 conversations\./ }).waitFor();

    await page.reload();
    await expectHeading(page, 'Settings', { focused: false });
    expect(problems).toEqual([]);
    for (const c of [laptop, phone, tablet]) await c.context.close();
  });

  it('deletes the account: a wrong password deletes nothing; the right one signs out, log-in fails, a contact sees it gone', async () => {
    const bob = await signedIn(t, 'bob');
    const { page, context } = await openPage(browser, { viewport: { width: 390, height: 844 } });
    await signUpInUi(page, origin, 'carol', CAROL);
    await bob.contacts.request('carol');
    expect((await bob.contacts.list()).map((c) => c.username)).toContain('carol');
    const bobSaw = new Promise<ContactDto>((resolve) => bob.on('contact', (c) => c.username === 'carol' && c.state === 'none' && resolve(c)));

    await page.goto(`${origin}/settings`);
    await expectHeading(page, 'Settings', { focused: false });
    await page.getByRole('button', { name: 'Delete account…' }).click();
    const submit = page.getByRole('button', { name: 'Delete my account' });
    await page.getByLabel('Your password').fill('not-carols-password-1');
    expect(await submit.isDisabled()).toBe(true);
    await page.getByLabel('I understand').check();
    await submit.click();
    await page.getByRole('alert').filter({ hasText: 'The password is incorrect. Nothing was deleted.' }).waitFor();

    const storedKeys = () =>
      page.evaluate(
        () =>
          new Promise<string[]>((resolve, reject) => {
            const req = indexedDB.open('parley-secrets');
            req.onerror = () => reject(new Error('open failed'));
            req.onsuccess = () => {
              const keys = req.result.transaction('values').objectStore('values').getAllKeys();
              keys.onsuccess = () => resolve(keys.result.map(String));
            };
          }),
      );
    expect((await storedKeys()).some((k) => k.startsWith('carol/'))).toBe(true);
    await page.getByLabel('Your password').fill(CAROL);
    await submit.click();
    await expectHeading(page, 'Log in');
    // Nothing of carol is left in this browser's store either.
    expect((await storedKeys()).filter((k) => k.startsWith('carol/'))).toEqual([]);
    await page.getByText(/account was deleted/).first().waitFor();
    await bobSaw;
    expect((await bob.contacts.list()).map((c) => c.username)).not.toContain('carol');

    await page.getByLabel('User name').fill('carol');
    await page.getByLabel('Password', { exact: true }).fill(CAROL);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: /incorrect/ }).waitFor();
    bob.close();
    await context.close();
  });

  it('makes a recovery key (shown once, confirmed by typing its end), then recovers a forgotten password with it from the log-in page', async () => {
    const { page, context } = await openPage(browser);
    await logInInUi(page, origin, 'bob', PASSWORDS.bob ?? '');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await expectHeading(page, 'Settings');
    await page.getByText('You have no recovery key.').waitFor();
    await page.getByRole('button', { name: 'Make a recovery key' }).click();
    await page.getByLabel('Your password').first().fill(PASSWORDS.bob ?? '');
    await page.getByRole('button', { name: 'Make the key' }).click();
    const shown = page.getByLabel('Your recovery key');
    await shown.waitFor();
    const key = (await shown.textContent()) ?? '';
    expect(key).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$/);
    const saved = page.getByRole('button', { name: 'I saved it' });
    await page.getByLabel(/last four characters/).fill('XXXX');
    expect(await saved.isDisabled()).toBe(true);
    await page.getByLabel(/last four characters/).fill(key.slice(-4).toLowerCase());
    await saved.click();
    await page.getByRole('status').filter({ hasText: 'Recovery key saved.' }).waitFor();
    expect(await page.getByLabel('Your recovery key').count()).toBe(0);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.goto(`${origin}/login`);
    await page.getByRole('link', { name: 'Use your recovery key' }).click();
    await expectHeading(page, 'Recover your account');
    await page.getByLabel('User name').fill('bob');
    await page.getByLabel('Recovery key').fill(key.replace(/-/g, ' ').toLowerCase());
    await page.getByLabel('New password', { exact: true }).fill('harvest-compass-velvet-35');
    await page.getByLabel('Confirm new password').fill('harvest-compass-velvet-35');
    await page.locator('#recover-strength', { hasText: /Strong enough\./ }).waitFor();
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await expectHeading(page, 'Conversations');
    await context.close();
  });
});
