import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/sdk/index.js';
import {
  browserOrigin,
  chatPassword,
  describeBrowser,
  launchChromium,
  logInInUi,
  openConversationInUi,
  openPage,
  sendInUi,
  expectMessages,
} from '../support/browser.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, eventually, inbox } from '../support/users.js';

const TARGET = 'On se retrouve devant la cathédrale de Chartres samedi à 10 h';
const CANARY = 'zanzibarique';

/** Every raw record of this user's search index in IndexedDB, as the bytes stored (sealed), hex-encoded. */
function rawSearchRecords(page: Page, username: string): Promise<{ key: string; bytes: number[] }[]> {
  return page.evaluate(async (prefix) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('parley-secrets');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('open'));
    });
    const store = db.transaction('values').objectStore('values');
    const keys = await new Promise<IDBValidKey[]>((resolve) => {
      const req = store.getAllKeys();
      req.onsuccess = () => resolve(req.result);
    });
    const out: { key: string; bytes: number[] }[] = [];
    for (const key of keys) {
      if (typeof key !== 'string' || !key.startsWith(prefix)) continue;
      const value = await new Promise<{ iv: Uint8Array; data: ArrayBuffer }>((resolve) => {
        const req = db.transaction('values').objectStore('values').get(key);
        req.onsuccess = () => resolve(req.result as { iv: Uint8Array; data: ArrayBuffer });
      });
      out.push({ key, bytes: [...value.iv, ...new Uint8Array(value.data)] });
    }
    db.close();
    return out;
  }, `${username}/search/`);
}

const resultTexts = (page: Page) => page.locator('#search-results .search-hit-text').allTextContents();

describeBrowser(`search in Chromium (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  const sdk: ParleyClient[] = [];

  beforeAll(async () => {
    [t, browser] = await Promise.all([
      startTestServer({ env: { MESSAGES_PER_CONNECTION_PER_10S: '1000', EVENTS_PER_CONNECTION_PER_10S: '3000' } }),
      launchChromium(),
    ]);
    // Three weeks of history made by alice's other device (the SDK), before this browser exists.
    const [alice, bob, carol] = await Promise.all(
      ['alice', 'bob', 'carol'].map(async (name) => {
        const c = t.client();
        await c.signup(name, chatPassword(name));
        await c.connect();
        return c;
      }),
    );
    sdk.push(alice!, bob!, carol!);
    await befriend(alice!, bob!);
    await befriend(alice!, carol!);
    const box = inbox(alice!);
    const withBob = (await alice!.conversations.openDirect('bob')).id;
    const withCarol = (await alice!.conversations.openDirect('carol')).id;
    const group = (await alice!.conversations.createGroup('Weekend', ['bob', 'carol'])).id;
    await bob!.messages.send(withBob, 'Did you hear the cathedral tour got cancelled?');
    await bob!.messages.send(group, 'Who brings the tent?');
    await carol!.messages.send(withCarol, TARGET);
    let last = await carol!.messages.send(withCarol, 'Je prends le train de 8 h');
    for (let i = 0; i < 60; i++) last = await carol!.messages.send(withCarol, `Petit message numéro ${i} sur le programme`);
    await eventually(() => box.some((m) => m.id === last.id), 10_000, 'alice\'s other device reads everything');
    const weeksAgo = Date.now() - 21 * 86_400_000;
    await t.server.deps.db.updateTable('messages').set({ created_at: weeksAgo }).execute();

    ({ page } = await openPage(browser));
    await logInInUi(page, browserOrigin(t), 'alice', chatPassword('alice'));
  }, 180_000);
  afterAll(async () => {
    for (const c of sdk) c.close();
    await browser?.close();
    await t?.close();
  });

  it('finds a message from weeks ago in another conversation, with a typo and without accents, and opens it highlighted', async () => {
    await openConversationInUi(page, 'Weekend');
    await page.keyboard.press('Control+k');
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    await page.waitForFunction(() => document.activeElement?.id === 'search-input');
    // New browser: its index is backfilled from the vault; the results come once it has indexed the conversation.
    await box.fill('catedrale');
    await page.locator('#search-results .search-hit').first().waitFor();
    await page.locator('#search-status', { hasText: /in 2 conversations/ }).waitFor();
    const texts = await resultTexts(page);
    expect(texts[0]).toBe(TARGET);
    expect(texts).toContain('Did you hear the cathedral tour got cancelled?');
    expect(await page.locator('#search-results .search-hit').first().locator('mark').textContent()).toBe('cathédrale');
    await expect(page.locator('.search-group-title').first().textContent()).resolves.toBe('carol');

    // Keyboard: down into the results, Enter opens the first; the message is loaded (older than the first page).
    await box.press('ArrowDown');
    await page.waitForFunction(() => document.activeElement?.classList.contains('search-hit'));
    await page.keyboard.press('Enter');
    // The chat's own title (the results' group titles are headings named "carol" too).
    await page.locator('#chat-title', { hasText: /^carol$/ }).waitFor();
    const hit = page.locator('.message.is-search-hit');
    await hit.waitFor();
    expect(await hit.locator('.message-text').textContent()).toBe(TARGET);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('is-search-hit'))).toBe(true);
    await expect(hit.isVisible()).resolves.toBe(true);
    // In the visible part of the log (not scrolled away to the bottom).
    const inView = () =>
      page.evaluate(() => {
        const el = document.querySelector('.message.is-search-hit');
        const box = el?.closest('.message-scroll')?.getBoundingClientRect();
        const rect = el?.getBoundingClientRect();
        return !!box && !!rect && rect.top >= box.top && rect.bottom <= box.bottom;
      });
    expect(await inView()).toBe(true);
  });

  // Many steps (send, search, edit, search twice, send, wait for the sealed index to be written): 90 s on a busy machine.
  it('after an edit the old word no longer finds it; a deleted message is never found; the stored index holds no plaintext', { timeout: 90_000 }, async () => {
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    await box.fill('');
    // The search closes and the sidebar's tabs come back (on a busy machine the previous result may still be settling).
    await page.getByRole('tab', { name: /^Chats/ }).waitFor({ timeout: 30_000 });
    await openConversationInUi(page, 'Weekend');
    await sendInUi(page, 'Je réserve le gîte près du lac');
    await box.fill('gite');
    await page.locator('#search-results .search-hit-text', { hasText: 'Je réserve le gîte près du lac' }).waitFor();

    await page.getByRole('button', { name: /^Actions for your message sent at/ }).last().click();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const editor = page.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('Je réserve l’auberge près du lac');
    await editor.press('Enter');
    await page.locator('.message-edited').waitFor();
    await box.fill('auberge');
    await page.locator('#search-results .search-hit-text', { hasText: 'Je réserve l’auberge près du lac' }).waitFor();
    await box.fill('gite');
    await page.locator('#search-status', { hasText: 'No messages found' }).waitFor();

    // The canary: found by search, absent from the stored bytes of the index (sealed).
    const before = (await rawSearchRecords(page, 'alice')).reduce((n, r) => n + r.bytes.length, 0);
    await sendInUi(page, `The code word is ${CANARY}`);
    await box.fill(CANARY);
    await page.locator('#search-results .search-hit-text', { hasText: CANARY }).waitFor();
    await page.waitForFunction(
      async ([prefix, n]) => {
        const db = await new Promise<IDBDatabase>((resolve) => {
          const req = indexedDB.open('parley-secrets');
          req.onsuccess = () => resolve(req.result);
        });
        const all = await new Promise<{ data: ArrayBuffer }[]>((resolve) => {
          const req = db.transaction('values').objectStore('values').getAll(IDBKeyRange.bound(prefix, `${prefix}\uffff`));
          req.onsuccess = () => resolve(req.result as { data: ArrayBuffer }[]);
        });
        db.close();
        return all.reduce((s, v) => s + v.data.byteLength, 0) > n;
      },
      ['alice/search/', before] as const,
    );
    const records = await rawSearchRecords(page, 'alice');
    expect(records.some((r) => r.key.startsWith('alice/search/chunk/'))).toBe(true);
    const needles = [Buffer.from(CANARY, 'utf8'), Buffer.from(CANARY, 'utf16le'), Buffer.from('auberge', 'utf8')];
    for (const r of records) for (const needle of needles) expect(Buffer.from(r.bytes).includes(needle)).toBe(false);

    await page.getByRole('button', { name: /^Actions for your message sent at/ }).last().click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('group', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete' }).click();
    await expectMessages(page, ['Who brings the tent?', 'Je réserve l’auberge près du lac', 'Message deleted']);
    await box.fill('');
    await box.fill(CANARY);
    await page.locator('#search-status', { hasText: 'No messages found' }).waitFor();
  });

  // carol sends bob 130 messages (two backfill pages) from her SDK device, bob's SDK device reads them and keeps them
  // in his vault; then bob logs in on a new browser: the backfill shows its progress and, once it ends, search finds the
  // oldest of them, which only the vault holds for this browser.
  it('bob on a new browser: backfill from the vault with progress shown, then search finds a message from before', { timeout: 240_000 }, async () => {
    const [, bob, carol] = sdk;
    await befriend(bob!, carol!);
    const conversation = (await carol!.conversations.openDirect('bob')).id;
    const box = inbox(bob!);
    const OLD = 'Le pique-nique est à Fontainebleau, sous les grands chênes';
    await carol!.messages.send(conversation, OLD);
    let last = await carol!.messages.send(conversation, 'Apporte des fraises');
    for (let i = 0; i < 128; i++) last = await carol!.messages.send(conversation, `Rappel numéro ${i} pour samedi`);
    await eventually(() => box.some((m) => m.id === last.id), 30_000, 'bob\'s SDK device reads everything');
    // His SDK device has put every one of them in his vault (uploads run in the background).
    const { db } = t.server.deps;
    const vaulted = () =>
      db
        .selectFrom('vault_records')
        .innerJoin('users', 'users.id', 'vault_records.user_id')
        .where('users.username', '=', 'bob')
        .where('vault_records.conversation_id', '=', conversation)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
    for (let start = Date.now(); Number((await vaulted()).n) < 130; ) {
      if (Date.now() - start > 60_000) throw new Error('bob\'s vault never held the conversation');
      await new Promise((r) => setTimeout(r, 50));
    }

    const { context, page: second } = await openPage(browser);
    // Every text the progress line ever shows, recorded in the page as the DOM changes (nothing is missed between polls).
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      new MutationObserver(() => {
        const text = document.querySelector('.search-progress span')?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    await logInInUi(second, browserOrigin(t), 'bob', chatPassword('bob'));
    const seen = () => second.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    // The progress line shows, then goes when the backfill ends.
    await second.waitForFunction(() => (window as unknown as { progressSeen: string[] }).progressSeen.length > 0, undefined, { timeout: 60_000 });
    await second.locator('.search-progress').waitFor({ state: 'detached', timeout: 90_000 });
    const counts = (await seen()).map((text) => {
      const m = /^Indexing ([\d,]+) of ([\d,]+) messages for search$/.exec(text);
      if (!m) throw new Error(`unexpected progress text: ${text}`);
      return [Number(m[1]!.replace(/,/g, '')), Number(m[2]!.replace(/,/g, ''))] as const;
    });
    expect(counts.some(([indexed, total]) => total >= 130 && indexed < total)).toBe(true);

    const search = second.getByRole('searchbox', { name: 'Search messages' });
    await search.fill('fontainebleau chenes');
    await second.locator('#search-results .search-hit-text', { hasText: OLD }).waitFor();
    expect(await resultTexts(second)).toEqual([OLD]);
    await context.close();
  });

  it('looks right at desktop and phone width, light and dark', async () => {
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width: 1280, height: 800 });
      // A typo: exact matching finds nothing, so both spellings of the word come up ("cathédrale", "cathedral").
      await box.fill('catedrale');
      await page.getByRole('button', { name: 'Filters' }).click();
      await page.locator('#search-status', { hasText: '2 messages in 2 conversations' }).waitFor();
      await page.screenshot({ path: `test-results/search-desktop-${scheme}.png` });
      await page.getByRole('button', { name: 'Filters' }).click();
      await page.locator('#search-results .search-hit').first().click();
      await page.locator('.message.is-search-hit').waitFor();
      await page.waitForFunction(() => document.activeElement?.classList.contains('is-search-hit'));
      await page.screenshot({ path: `test-results/search-opened-${scheme}.png` });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${browserOrigin(t)}/`);
      await box.fill('samedi');
      await page.locator('#search-results .search-hit').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.screenshot({ path: `test-results/search-phone-${scheme}.png` });
    }
  });
});
