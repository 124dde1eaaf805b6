import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  befriendInUi,
  browserOrigin,
  chatPassword,
  chatUser,
  describeBrowser,
  expectMessages,
  launchChromium,
  logInInUi,
  openConversationInUi,
  sendInUi,
  TEST_KDF_KEY,
  watchProblems,
  type ChatUser,
} from '../support/browser.js';
import { dialect, testEnv } from '../support/env.js';
import { offlineEntries, snapshotSaved, storedText } from '../support/offline.js';
import { startTestServer, TEST_KDF, type TestServer } from '../support/server.js';

interface InstallabilityErrors {
  installabilityErrors: { errorId: string }[];
}

/** Text that must never be found in the clear in the browser's storage. */
const CANARY = 'canary-7f3a-lighthouse';
const OFFLINE_CANARY = 'canary-offline-91c2-harbour';

describeBrowser(`offline: installable, sealed snapshot, outbox sent once (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  let bob: ChatUser;
  let alice: ChatUser;
  let profile: string;
  let aliceContext: BrowserContext;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
    bob = await chatUser(browser, t, 'bob');
    // Alice in a profile on disk: Chromium offers to install only outside an incognito-like context.
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-offline-'));
    aliceContext = await chromium.launchPersistentContext(profile, {
      executablePath: testEnv.chromium,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
    aliceContext.setDefaultTimeout(10_000);
    await aliceContext.addInitScript(([key, value]) => localStorage.setItem(key, value), [TEST_KDF_KEY, JSON.stringify(TEST_KDF)] as const);
    const problems = await watchProblems(aliceContext);
    const page = aliceContext.pages()[0] ?? (await aliceContext.newPage());
    await t.client().signup('alice', chatPassword('alice'));
    await logInInUi(page, browserOrigin(t), 'alice', chatPassword('alice'));
    alice = { name: 'alice', context: aliceContext, page, problems };
    await befriendInUi(alice, bob);
  }, 60_000);

  afterAll(async () => {
    await aliceContext?.close();
    await browser?.close();
    await t?.close();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  it('installs, reloads without the network into the last conversations and history, and sends the outbox once', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: 'Message bob', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'bob', exact: true }).waitFor();
    await bob.page.getByRole('button', { name: 'Message alice', exact: true }).click();
    await bob.page.getByRole('heading', { level: 2, name: 'alice', exact: true }).waitFor();
    await sendInUi(bob.page, `hello ${CANARY}`);
    await sendInUi(page, 'hi bob');
    await expectMessages(page, [`hello ${CANARY}`, 'hi bob']);

    // Installable: the manifest, the icons and a service worker in control.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
    const cdp = await aliceContext.newCDPSession(page);
    const { installabilityErrors }: InstallabilityErrors = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);

    // The snapshot is sealed once the state settles; nothing of the messages is in the clear.
    await snapshotSaved(page, 2);
    expect((await offlineEntries(page)).sort()).toEqual(['alice/offline/snapshot', 'offline/last-user']);
    const stored = await storedText(page);
    expect(stored).toContain('alice/offline/snapshot');
    expect(stored).not.toContain(CANARY);

    // The network cut: the reload opens the signed-in app from the service worker and the sealed snapshot.
    await aliceContext.setOffline(true);
    await page.reload();
    await page.getByRole('status').filter({ hasText: /^Offline/ }).waitFor();
    await page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /^bob(\s|$)/ }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'bob', exact: true }).waitFor();
    await expectMessages(page, [`hello ${CANARY}`, 'hi bob']);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: `test-results/offline-desktop-${scheme}.png` });
    }
    await page.emulateMedia({ colorScheme: null });

    // Written offline: it waits in the sealed outbox, shown as pending, through a reload.
    const composer = page.locator('#composer-input');
    await composer.fill(`later ${OFFLINE_CANARY}`);
    await composer.press('Enter');
    await page.locator('.message.is-pending', { hasText: OFFLINE_CANARY }).waitFor();
    await expect.poll(() => offlineEntries(page).then((e) => e.includes('alice/offline/outbox'))).toBe(true);
    expect(await storedText(page)).not.toContain(OFFLINE_CANARY);
    await page.reload();
    await page.getByRole('status').filter({ hasText: /^Offline/ }).waitFor();
    await page.locator('.message.is-pending', { hasText: OFFLINE_CANARY }).waitFor();
    await expectMessages(page, [`hello ${CANARY}`, 'hi bob']);

    // Back online: the page connects by itself and the outbox goes out, once.
    await aliceContext.setOffline(false);
    await page.getByRole('status').filter({ hasText: /^Offline/ }).waitFor({ state: 'detached', timeout: 20_000 });
    await expectMessages(page, [`hello ${CANARY}`, 'hi bob', `later ${OFFLINE_CANARY}`], 20_000);
    await expectMessages(bob.page, [`hello ${CANARY}`, 'hi bob', `later ${OFFLINE_CANARY}`], 20_000);
    await expect.poll(() => offlineEntries(page).then((e) => e.includes('alice/offline/outbox'))).toBe(false);
    // A reload online sends nothing again, and a message after it follows the one copy.
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'bob', exact: true }).waitFor();
    await expectMessages(page, [`hello ${CANARY}`, 'hi bob', `later ${OFFLINE_CANARY}`]);
    await sendInUi(page, 'and now online');
    await expectMessages(bob.page, [`hello ${CANARY}`, 'hi bob', `later ${OFFLINE_CANARY}`, 'and now online']);
    await snapshotSaved(page, 4);
    expect(bob.problems).toEqual([]);
    const offlineNoise = /ERR_INTERNET_DISCONNECTED|WebSocket|Failed to load resource/;
    expect(alice.problems.filter((p) => !offlineNoise.test(p))).toEqual([]);
  }, 120_000);

  it('shows the offline state at phone width, and log-out erases the snapshot and the outbox', async () => {
    const page = alice.page;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${browserOrigin(t)}/`);
    await page.getByRole('list', { name: 'Conversations' }).waitFor();
    await snapshotSaved(page, 4);
    await aliceContext.setOffline(true);
    await page.reload();
    await page.getByRole('status').filter({ hasText: /^Offline/ }).waitFor();
    await page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /^bob(\s|$)/ }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: `test-results/offline-phone-list-${scheme}.png` });
    }
    await openConversationInUi(page, 'bob');
    await expectMessages(page, [`hello ${CANARY}`, 'hi bob', `later ${OFFLINE_CANARY}`, 'and now online']);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: `test-results/offline-phone-chat-${scheme}.png` });
    }
    await page.emulateMedia({ colorScheme: null });
    // Written offline, then log-out: nothing of either stays (the page is offline; the erase is local).
    await page.locator('#composer-input').fill('never sent');
    await page.locator('#composer-input').press('Enter');
    await expect.poll(() => offlineEntries(page).then((e) => e.includes('alice/offline/outbox'))).toBe(true);
    await page.getByRole('link', { name: 'Back to conversations' }).click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect.poll(() => offlineEntries(page)).toEqual([]);
    await aliceContext.setOffline(false);
  }, 90_000);
});
