/**
 * Offline, for a page already open (offline.test.ts covers the reload without the network): the network cut, or the
 * server down, turns the open page Offline within seconds; what is written meanwhile waits in the sealed outbox and
 * reaches bob exactly once when the connection is back. A file is kept in the snapshot without its key or hash and
 * shows "Not available offline"; attaching a file offline is refused. axe finds nothing on the offline states (list,
 * conversation with a waiting message; desktop and phone; light and dark), and they are screenshot.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MessageAttachment, ParleyClient } from '../../src/sdk/index.js';
import { injectAxe, violations } from '../support/axe.js';
import {
  befriendInUi,
  browserOrigin,
  chatPassword,
  chatUser,
  describeBrowser,
  expectMessages,
  launchChromium,
  openConversationInUi,
  sendInUi,
  showTab,
  type ChatUser,
} from '../support/browser.js';
import { dialect } from '../support/env.js';
import { offlineEntries, storedText, unsealedEntry } from '../support/offline.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** What a page logs while it cannot reach the server (expected, not a problem). */
const OFFLINE_NOISE = /ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|WebSocket|Failed to load resource/;

const offlineMark = (page: Page): Locator => page.getByRole('status').filter({ hasText: /^Offline/ });

async function shoot(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.screenshot({ path: `test-results/offline-live-${name}-${scheme}.png` });
  }
  await page.emulateMedia({ colorScheme: null });
}

/** The sealed outbox holds something (true) or nothing (false). */
const outboxHeld = (page: Page) => offlineEntries(page).then((e) => e.includes('alice/offline/outbox'));

describeBrowser(`offline, a page already open: the network drops, files, accessibility (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  let alice: ChatUser;
  let bob: ChatUser;
  let carol: ParleyClient;
  /** What bob's log holds, in order (stored messages only). */
  const seenByBob: string[] = [];

  /** Back online: the Offline mark goes, alice and bob both show `text`, the outbox is empty, and the server holds
   * one copy (bob's fresh load shows it once). */
  async function expectSentOnceWhenBack(page: Page, text: string): Promise<void> {
    await offlineMark(page).waitFor({ state: 'detached', timeout: 20_000 });
    seenByBob.push(text);
    await expectMessages(page, seenByBob, 20_000);
    await expectMessages(bob.page, seenByBob, 20_000);
    await expect.poll(() => outboxHeld(page), { timeout: 10_000 }).toBe(false);
    await bob.page.reload();
    await bob.page.getByRole('heading', { level: 2, name: 'alice', exact: true }).waitFor();
    await expectMessages(bob.page, seenByBob, 10_000);
  }

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
    alice = await chatUser(browser, t, 'alice');
    bob = await chatUser(browser, t, 'bob');
    await injectAxe(alice.context);
    await befriendInUi(alice, bob);
    // carol is an SDK device: what she sends comes back with its file descriptors (key and hash) to look for.
    carol = t.client();
    await carol.signup('carol', chatPassword('carol'));
    await carol.connect();
    await carol.contacts.request('alice');
    await showTab(alice.page, 'Contacts');
    await alice.page.getByRole('button', { name: 'Accept carol', exact: true }).click();
    await alice.page.getByRole('button', { name: 'Message carol', exact: true }).waitFor();
  }, 120_000);

  afterAll(async () => {
    carol?.close();
    await browser?.close();
    await t?.close();
  });

  it('the server down under an open page: "Reconnecting…", then Offline after about 4 s; back by itself once it restarts', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: 'Message bob', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'bob', exact: true }).waitFor();
    await bob.page.getByRole('button', { name: 'Message alice', exact: true }).click();
    await bob.page.getByRole('heading', { level: 2, name: 'alice', exact: true }).waitFor();
    await sendInUi(bob.page, 'before the server stops');
    await expectMessages(page, ['before the server stops']);
    seenByBob.push('before the server stops');

    await t.stop();
    // The browser still says online: the page waits out its reconnection first.
    await page.getByRole('status').filter({ hasText: 'Reconnecting…' }).waitFor();
    await offlineMark(page).waitFor({ timeout: 10_000 });
    await page.locator('#composer-input').fill('written while the server was down');
    await page.locator('#composer-input').press('Enter');
    await page.locator('.message.is-pending', { hasText: 'written while the server was down' }).getByText('Waiting to send').waitFor();
    await expect.poll(() => outboxHeld(page)).toBe(true);

    await t.restart();
    await expectSentOnceWhenBack(page, 'written while the server was down');
  }, 90_000);

  it('the network cut under an open page: Offline at once, the outbox takes a message, bob gets it once when back', async () => {
    const page = alice.page;
    await alice.context.setOffline(true);
    await offlineMark(page).waitFor({ timeout: 8_000 });
    const composer = page.locator('#composer-input');
    expect(await composer.isEnabled()).toBe(true);
    await composer.fill('written with the network cut');
    await composer.press('Enter');
    const waiting = page.locator('.message.is-pending', { hasText: 'written with the network cut' });
    await waiting.getByText('Waiting to send').waitFor();
    await expect.poll(() => outboxHeld(page)).toBe(true);
    expect(await storedText(page)).not.toContain('written with the network cut');
    await shoot(page, 'desktop-chat');
    // Still waiting: the cut reached the open socket too (nothing went out meanwhile).
    expect(await waiting.getByText('Waiting to send').count()).toBe(1);

    await alice.context.setOffline(false);
    await expectSentOnceWhenBack(page, 'written with the network cut');
  }, 90_000);

  it('a file: in the snapshot without its key or hash, "Not available offline" offline, and no file can be attached offline', async () => {
    const page = alice.page;
    const direct = (await carol.conversations.openDirect('alice')).id;
    const sent = await carol.messages.send(direct, {
      text: 'the plan is attached',
      attachments: [{ name: 'plan.txt', type: 'text/plain', data: new TextEncoder().encode('meet at the harbour at nine\n') }],
    });
    const file: MessageAttachment | undefined = sent.attachments[0];
    if (!file) throw new Error('carol sent no file');
    await openConversationInUi(page, 'carol');
    await expectMessages(page, ['the plan is attached'], 15_000);
    await page.getByRole('button', { name: 'Download plan.txt' }).waitFor();
    // The service worker is in control (for the reload without the network below).
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });

    // The sealed snapshot, opened with this browser's store key: the file's name and size, never its key or hash.
    type Kept = { windows: Record<string, { attachments: object[] }[] | undefined> };
    let snapshot = '';
    const keptFiles = () => (JSON.parse(snapshot || '{"windows":{}}') as Kept).windows[direct]?.flatMap((m) => m.attachments) ?? [];
    await expect
      .poll(async () => {
        snapshot = (await unsealedEntry(page, 'alice/offline/snapshot')) ?? '';
        return keptFiles().length;
      }, { timeout: 10_000 })
      .toBe(1);
    expect(keptFiles()).toEqual([{ blobId: file.blobId, name: 'plan.txt', type: 'text/plain', size: file.size }]);
    expect(snapshot).not.toContain(file.key);
    expect(snapshot).not.toContain(file.hash);
    const stored = await storedText(page);
    expect(stored).not.toContain(file.key);
    expect(stored).not.toContain(file.hash);

    // The network cut under the open page: the file is not offered for download.
    await alice.context.setOffline(true);
    await offlineMark(page).waitFor({ timeout: 8_000 });
    const unavailable = page.locator('[role="log"] .attachment', { hasText: 'plan.txt' });
    await unavailable.getByText('Not available offline').waitFor();
    expect(await page.getByRole('button', { name: /Download/ }).count()).toBe(0);
    // Attaching is refused, with the reason; nothing is queued.
    await page.locator('.composer input[type=file]').setInputFiles({ name: 'later.txt', mimeType: 'text/plain', buffer: Buffer.from('later\n') });
    await page.getByRole('alert').filter({ hasText: 'Files cannot be attached offline' }).waitFor();
    expect(await page.locator('.composer-file').count()).toBe(0);
    await shoot(page, 'desktop-attach-refused');
    const found = await violations(page, 'desktop, file offline, attaching refused');

    // Reloaded without the network: the message from the snapshot, its file unavailable the same way.
    await page.reload();
    await offlineMark(page).waitFor();
    await expectMessages(page, ['the plan is attached']);
    await unavailable.getByText('Not available offline').waitFor();
    expect(await page.getByRole('button', { name: /Download/ }).count()).toBe(0);
    await shoot(page, 'desktop-file');
    found.push(...(await violations(page, 'desktop, file reloaded offline')));
    expect(found).toEqual([]);

    await alice.context.setOffline(false);
    await offlineMark(page).waitFor({ state: 'detached', timeout: 20_000 });
    await page.getByRole('button', { name: 'Download plan.txt' }).waitFor({ timeout: 10_000 });
  }, 120_000);

  it('axe: no violation on the offline states, desktop and phone, light and dark (list, conversation, a waiting message)', async () => {
    const page = alice.page;
    await page.goto(`${browserOrigin(t)}/`);
    await openConversationInUi(page, 'bob');
    await alice.context.setOffline(true);
    await offlineMark(page).waitFor({ timeout: 8_000 });
    await page.locator('#composer-input').fill('waiting for the network');
    await page.locator('#composer-input').press('Enter');
    await page.locator('.message.is-pending', { hasText: 'waiting for the network' }).waitFor();
    await page.mouse.move(0, 0);
    const found = await violations(page, 'desktop, open page offline');

    // Reloaded offline (from the snapshot and the outbox), at phone width: the conversation, then the list.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await offlineMark(page).waitFor();
    await page.locator('.message.is-pending', { hasText: 'waiting for the network' }).waitFor();
    await page.getByRole('heading', { level: 1, name: 'Conversations' }).waitFor({ state: 'attached' });
    found.push(...(await violations(page, 'phone, conversation offline')));
    await shoot(page, 'phone-chat');
    await page.getByRole('link', { name: 'Back to conversations' }).click();
    await page.getByRole('list', { name: 'Conversations' }).waitFor();
    await offlineMark(page).waitFor();
    found.push(...(await violations(page, 'phone, list offline')));
    await shoot(page, 'phone-list');

    await page.setViewportSize({ width: 1280, height: 900 });
    await openConversationInUi(page, 'bob');
    await page.locator('.message.is-pending', { hasText: 'waiting for the network' }).waitFor();
    found.push(...(await violations(page, 'desktop, reloaded offline')));
    expect(found).toEqual([]);

    await alice.context.setOffline(false);
    await offlineMark(page).waitFor({ state: 'detached', timeout: 20_000 });
    seenByBob.push('waiting for the network');
    await expectMessages(bob.page, seenByBob, 20_000);
    expect(alice.problems.filter((p) => !OFFLINE_NOISE.test(p))).toEqual([]);
    expect(bob.problems.filter((p) => !OFFLINE_NOISE.test(p))).toEqual([]);
  }, 120_000);
});
