import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2ee, type Message, type ParleyClient } from '../../src/sdk/index.js';
import { parseRecoveryKey } from '../../src/sdk/recovery.js';
import { dialect } from '../support/env.js';
import { serverHolds } from '../support/files.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, eventually, inbox, PASSWORDS, signedIn } from '../support/users.js';

const NEW_PASSWORD = 'saffron-glacier-tunnel-41';
const NEWER_PASSWORD = 'cinder-orchard-ballad-72';

/** The end-to-end layer of a client (to wait until its vault copies are uploaded). */
const engineOf = (client: ParleyClient): E2ee => {
  const api = (client as unknown as { e2ee?: { api: unknown } }).e2ee?.api;
  if (!(api instanceof E2ee)) throw new Error('the client has no end-to-end layer in this thread');
  return api;
};
const texts = (messages: Message[]) => messages.filter((m) => !m.deleted).map((m) => m.decryptionError ?? m.text);

describe(`recovery keys (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let direct: string;
  let key: string;
  const clients: ParleyClient[] = [];
  const track = (c: ParleyClient) => (clients.push(c), c);

  /** Reads the direct conversation's history on a client until every message is readable (vault copies upload in the background). */
  async function readable(client: ParleyClient): Promise<string[]> {
    let history: Message[] = [];
    for (let i = 0; i < 100; i++) {
      history = await client.messages.history(direct, { limit: 100 });
      if (history.every((m) => m.deleted || m.decryptionError === null)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return texts(history);
  }

  beforeAll(async () => {
    t = await startTestServer();
    [alice, bob] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'bob')]);
    clients.push(alice, bob);
    await befriend(alice, bob);
    direct = (await alice.conversations.openDirect('bob')).id;
    const aliceInbox = inbox(alice);
    await alice.messages.send(direct, 'before-one');
    await bob.messages.send(direct, 'before-two');
    await eventually(() => aliceInbox.length === 1, 5_000, 'alice reads bob');
    // Her device uploads its vault copies in the background: a device logged in with the password reads them all first.
    const check = t.client();
    await check.login('alice', PASSWORDS.alice ?? '');
    await check.connect();
    expect(await readable(check)).toEqual(['before-one', 'before-two']);
    await check.logout();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  it('alice makes a recovery key, shown once: 160 bits in 8 groups of 4; the server holds neither the key nor its bytes', async () => {
    expect(await alice.recovery.status()).toBeNull();
    key = await alice.recovery.create();
    expect(key).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$/);
    expect(parseRecoveryKey(key.toLowerCase().replace(/-/g, ' '))).toEqual(parseRecoveryKey(key));
    expect(await alice.recovery.status()).toMatchObject({ createdAt: expect.any(String) as string });
    expect(await serverHolds(t.db, new TextEncoder().encode(key))).toBe(false);
    expect(await serverHolds(t.db, parseRecoveryKey(key))).toBe(false);
  });

  it('making one needs the password when the client holds no keys (a reload); a wrong one is refused', async () => {
    const reloaded = track(t.client());
    await reloaded.login('alice', PASSWORDS.alice ?? '');
    // A client that has not proven the password in this run: ask for it.
    (reloaded as unknown as { authKey?: string }).authKey = undefined;
    await expect(reloaded.recovery.create()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(reloaded.recovery.create('not-alices-password-9')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await reloaded.logout();
  });

  it('alice forgot her password: with the key, a new device sets a new one, her other sessions end, and it reads her whole history', async () => {
    const out = new Promise<string>((resolve) => alice.on('signedOut', resolve));
    const device = track(t.client());
    const user = await device.recover('alice', key, NEW_PASSWORD);
    expect(user.username).toBe('alice');
    expect(await out).toBe('password-changed');
    expect((await device.whoami()).user.username).toBe('alice');
    expect(await readable(device)).toEqual(['before-one', 'before-two']);

    // The old password is gone; the new one works on yet another device, which reads everything too.
    await expect(t.client().login('alice', PASSWORDS.alice ?? '')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const again = track(t.client());
    await again.login('alice', NEW_PASSWORD);
    await again.connect();
    expect(await readable(again)).toEqual(['before-one', 'before-two']);
    await again.logout();

    // Messaging goes on with bob.
    const bobInbox = inbox(bob);
    await device.messages.send(direct, 'after-recovery');
    await eventually(() => bobInbox.some((m) => m.text === 'after-recovery'), 5_000, 'bob reads alice after recovery');

    // A password change re-seals the key: it still recovers, and the history is still whole.
    await device.changePassword(NEW_PASSWORD, NEWER_PASSWORD);
    await engineOf(device).vaultSettled();
    const later = track(t.client());
    await later.recover('alice', key, 'meadow-lantern-copper-88');
    expect(await readable(later)).toEqual(['before-one', 'before-two', 'after-recovery']);
  });

  it('a wrong key is refused like a missing account or one without a key, and throttled per account', async () => {
    const wrong = 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ';
    const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);
    expect(await codeOf(t.client().recover('nobody-here', wrong, NEW_PASSWORD))).toBe('INVALID_CREDENTIALS');
    expect(await codeOf(t.client().recover('bob', wrong, NEW_PASSWORD))).toBe('INVALID_CREDENTIALS');
    for (let i = 0; i < 5; i++) expect(await codeOf(t.client().recover('alice', wrong, NEW_PASSWORD))).toBe('INVALID_CREDENTIALS');
    // Throttled: even the right key waits now.
    expect(await codeOf(t.client().recover('alice', key, NEW_PASSWORD))).toBe('RATE_LIMITED');
    // Not a key at all: refused on the device before anything is sent.
    expect(await codeOf(t.client().recover('alice', 'not-a-key', NEW_PASSWORD))).toBe('VALIDATION_FAILED');
  });
});
