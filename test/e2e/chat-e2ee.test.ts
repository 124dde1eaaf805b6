/**
 * End-to-end encryption in Chromium: two browser contexts chat through the real UI; the server holds only ciphertext;
 * a message altered at rest shows as "Could not be decrypted", never as text; the browser's store is sealed.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { databaseBytes } from '../support/database.js';
import { tamperStoredBody } from '../support/e2ee.js';
import {
  befriendInUi,
  browserOrigin,
  chatUser,
  describeBrowser,
  expectMessages,
  launchChromium,
  messageTexts,
  openConversationInUi,
  sendInUi,
  type ChatUser,
} from '../support/browser.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';

const CANARY = 'browser-canary-4e19b7-never-on-the-server';

describeBrowser(`end-to-end encrypted chat in Chromium (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  let alice: ChatUser;
  let bob: ChatUser;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer({ env: { LOG_LEVEL: 'trace' } }), launchChromium()]);
    [alice, bob] = await Promise.all([chatUser(browser, t, 'alice'), chatUser(browser, t, 'bob')]);
    await befriendInUi(alice, bob);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('chats end to end: bob reads the canary, which is nowhere in the database, the logs or the browser store', async () => {
    await alice.page.getByRole('button', { name: 'Message bob', exact: true }).click();
    await alice.page.getByRole('log', { name: 'Messages with bob' }).waitFor();
    await sendInUi(alice.page, CANARY);
    await openConversationInUi(bob.page, 'alice');
    await expectMessages(bob.page, [CANARY]);
    // MLS runs off the page's main thread, in the end-to-end worker.
    expect(bob.page.workers().some((w) => w.url().includes('e2ee-worker'))).toBe(true);
    await sendInUi(bob.page, 'read you, encrypted');
    await expectMessages(alice.page, [CANARY, 'read you, encrypted']);

    const db = await databaseBytes(t.db);
    const logs = Buffer.from(t.logs.lines.join('\n'));
    for (const form of [Buffer.from(CANARY), Buffer.from(Buffer.from(CANARY).toString('hex')), Buffer.from(CANARY, 'utf16le')]) {
      expect(db.includes(form)).toBe(false);
      expect(logs.includes(form)).toBe(false);
    }
    // The browser keeps what it read (for history), sealed under a key script cannot export.
    const store = await bob.page.evaluate(async (canary) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('parley-secrets');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'));
      });
      const all = <T,>(name: string) =>
        new Promise<T[]>((resolve, reject) => {
          const req = db.transaction(name).objectStore(name).getAll();
          req.onsuccess = () => resolve(req.result as T[]);
          req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'));
        });
      const values = await all<{ data: ArrayBuffer }>('values');
      const keys = await all<CryptoKey>('keys');
      const needle = new TextEncoder().encode(canary);
      const contains = (hay: Uint8Array) => hay.some((_, i) => needle.every((b, j) => hay[i + j] === b));
      return {
        entries: values.length,
        plaintextFound: values.some((v) => contains(new Uint8Array(v.data))),
        keys: keys.map((k) => ({ extractable: k.extractable, algorithm: k.algorithm.name })),
      };
    }, CANARY);
    expect(store.entries).toBeGreaterThan(2);
    expect(store.plaintextFound).toBe(false);
    expect(store.keys).toEqual([{ extractable: false, algorithm: 'AES-GCM' }]);
  });

  it('a message altered at rest shows as "could not be decrypted" and the next one reads normally', async () => {
    // Bob closes his tab; while he is away one of alice's messages is altered in the server's database.
    await bob.page.close();
    await sendInUi(alice.page, 'this one gets altered on the server');
    await sendInUi(alice.page, 'this one arrives intact');
    await tamperStoredBody(t, (await lastStoredMessage(t, 1)).id);

    // Bob comes back (same browser: his device is in its store) and reads the conversation.
    bob.page = await bob.context.newPage();
    await bob.page.goto(browserOrigin(t));
    await openConversationInUi(bob.page, 'alice');
    await bob.page.locator('[role="log"] .message-text', { hasText: 'this one arrives intact' }).waitFor({ timeout: 10_000 });
    const texts = await messageTexts(bob.page);
    expect(texts).toEqual([CANARY, 'read you, encrypted', expect.stringMatching(/^Could not be decrypted\./), 'this one arrives intact']);
    expect(await bob.page.locator('[data-testid="undecryptable"]').textContent()).toContain('altered');
    // Alice, who sent it, still reads her own words.
    await expectMessages(alice.page, [CANARY, 'read you, encrypted', 'this one gets altered on the server', 'this one arrives intact']);
    expect(alice.problems).toEqual([]);
    expect(bob.problems).toEqual([]);
  });
});

/** The newest stored message (or the one `skip` before it), as the server holds it. */
async function lastStoredMessage(t: TestServer, skip = 0): Promise<{ id: string }> {
  const rows = await t.server.deps.db
    .selectFrom('messages')
    .select(['id', 'seq', 'created_at'])
    .where('content_type', '=', 'application/mls-private')
    .orderBy('created_at', 'desc')
    .orderBy('seq', 'desc')
    .limit(skip + 1)
    .execute();
  const row = rows[skip];
  if (!row) throw new Error('no stored message');
  return { id: row.id };
}
