/** Several devices per user through the SDK: a new, empty client is a new device that joins at once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore, deriveKeys, type Message, type ParleyClient } from '../../src/sdk/index.js';
import type { Requester } from '../../src/sdk/e2ee/api.js';
import { Vault } from '../../src/sdk/e2ee/vault.js';
import { generateIdentityKeyPair, wrapIdentityKey } from '../../src/sdk/crypto/index.js';
import { base64UrlToBytes } from '../../src/sdk/encoding.js';
import { realtimeOf } from '../support/e2ee.js';
import { dialect } from '../support/env.js';
import { TEST_KDF, startTestServer, type TestServer } from '../support/server.js';
import { PASSWORDS, befriend, eventually, inbox, signedIn } from '../support/users.js';

describe(`devices through the SDK (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let direct: string;
  let aliceInbox: Message[];
  let bobInbox: Message[];
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    [alice, bob] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'bob')]);
    clients.push(alice, bob);
    await befriend(alice, bob);
    [aliceInbox, bobInbox] = [inbox(alice), inbox(bob)];
    direct = (await alice.conversations.openDirect('bob')).id;
    await alice.messages.send(direct, 'before the second device');
    await eventually(() => bobInbox.length === 1, 5_000, 'bob reads');
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  it('bob logs in on a second, empty client: it joins his conversations at once, reads what comes next, and writes', async () => {
    const bobPhone = t.client();
    clients.push(bobPhone);
    await bobPhone.login('bob', PASSWORDS.bob ?? '');
    await bobPhone.connect();
    const phoneInbox = inbox(bobPhone);
    const phoneId = bobPhone.encryption.deviceId();
    expect(phoneId).toBeDefined();
    expect(phoneId).not.toBe(bob.encryption.deviceId());
    // It joined without writing anything first.
    let joined = false;
    for (let i = 0; i < 100 && !joined; i++) {
      joined = (await bobPhone.encryption.state(direct)) !== undefined;
      if (!joined) await new Promise((r) => setTimeout(r, 50));
    }
    expect(joined).toBe(true);

    const hello = await alice.messages.send(direct, 'to both of bob\'s devices');
    await eventually(() => phoneInbox.some((m) => m.id === hello.id) && bobInbox.some((m) => m.id === hello.id), 5_000, 'both devices read');
    expect(phoneInbox.find((m) => m.id === hello.id)).toMatchObject({ text: 'to both of bob\'s devices', decryptionError: null });

    const reply = await bobPhone.messages.send(direct, 'from bob\'s phone');
    await eventually(() => aliceInbox.some((m) => m.id === reply.id) && bobInbox.some((m) => m.id === reply.id), 5_000, 'alice and bob\'s first device read');
    expect(aliceInbox.find((m) => m.id === reply.id)).toMatchObject({ sender: 'bob', text: 'from bob\'s phone', decryptionError: null });
    expect(bobInbox.find((m) => m.id === reply.id)?.text).toBe('from bob\'s phone');

    const devices = (await alice.encryption.state(direct))!.devices.filter((d) => d.username === 'bob').map((d) => d.deviceId).sort();
    expect(devices).toEqual([bob.encryption.deviceId(), phoneId].sort());
  });

  it('bob removes the phone: it is listed as removed, taken out of the group, and reads nothing sent afterwards', async () => {
    const phone = clients.at(-1)!;
    const phoneId = phone.encryption.deviceId()!;
    const phoneInbox = inbox(phone);
    expect((await alice.devices.list('bob')).map((d) => d.deviceId).sort()).toEqual([bob.encryption.deviceId(), phoneId].sort());
    await bob.devices.remove(phoneId);
    expect((await bob.devices.list()).find((d) => d.deviceId === phoneId)?.revokedAt).not.toBeNull();
    expect((await alice.devices.list('bob')).map((d) => d.deviceId)).toEqual([bob.encryption.deviceId()]);
    const secret = await alice.messages.send(direct, 'after the phone was removed');
    await eventually(() => bobInbox.some((m) => m.id === secret.id), 5_000, 'bob reads');
    const devices = (await alice.encryption.state(direct))!.devices.map((d) => `${d.username}/${d.deviceId}`);
    expect(devices).not.toContain(`bob/${phoneId}`);
    // The marker, sent after: the phone's engine delivers in order, so once the marker is out the secret was handled.
    const marker = await alice.messages.send(direct, 'marker');
    await eventually(() => phoneInbox.some((m) => m.id === marker.id), 5_000, 'the marker at the phone');
    expect(phoneInbox.find((m) => m.id === secret.id)?.decryptionError).toMatch(/removed/);
    expect(phoneInbox.find((m) => m.id === secret.id)?.text ?? '').toBe('');
  });
});

describe(`history on any client: the vault (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let direct: string;
  const clients: ParleyClient[] = [];
  const newPassword = 'copper-lantern-meadow-77';

  const texts = async (client: ParleyClient) => (await client.messages.history(direct, { limit: 100 })).map((m) => m.decryptionError ?? m.text);
  const newClient = async (password: string) => {
    const c = t.client();
    clients.push(c);
    await c.login('bob', password);
    await c.connect();
    return c;
  };

  beforeAll(async () => {
    t = await startTestServer();
    [alice, bob] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'bob')]);
    clients.push(alice, bob);
    await befriend(alice, bob);
    direct = (await alice.conversations.openDirect('bob')).id;
    const bobInbox = inbox(bob);
    for (const text of ['one', 'two']) await alice.messages.send(direct, text);
    await eventually(() => bobInbox.length === 2, 5_000, 'bob reads');
    await bob.messages.send(direct, 'three');
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  it('bob, on a second empty client, reads the history sent before it existed, then writes; alice reads it', async () => {
    const bobPhone = await newClient(PASSWORDS.bob ?? '');
    // The first client uploads in the background: the history fills as its copies arrive.
    let seen: string[] = [];
    for (let i = 0; i < 100; i++) {
      seen = await texts(bobPhone);
      if (seen.join() === 'one,two,three') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toEqual(['one', 'two', 'three']);
    const aliceInbox = inbox(alice);
    const four = await bobPhone.messages.send(direct, 'four, from the phone');
    await eventually(() => aliceInbox.some((m) => m.id === four.id), 5_000, 'alice reads');
    expect(aliceInbox.find((m) => m.id === four.id)?.text).toBe('four, from the phone');
  });

  it('keeps vault copies only of messages the user can see, and shows them only to the user while a member', async () => {
    const record = { seq: 9_999, keyVersion: 1, body: new Uint8Array(40).fill(1) };
    await expect(realtimeOf(alice).request('vault:put', { conversationId: direct, records: [record] })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const carol = await signedIn(t, 'carol');
    clients.push(carol);
    await expect(realtimeOf(carol).request('vault:list', { conversationId: direct, seqs: [1] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(realtimeOf(carol).request('vault:put', { conversationId: direct, records: [{ ...record, seq: 1 }] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('after a password change, a third new client reads the history with the new password; the old one opens nothing', async () => {
    const vaultKeyOf = async (password: string) => {
      const res = await fetch(`${t.url}/api/auth/prelogin`, {
        method: 'POST', headers: { 'content-type': 'application/json', origin: t.url }, body: JSON.stringify({ username: 'bob' }),
      });
      const { salt } = (await res.json()) as { salt: string };
      return (await deriveKeys(password, base64UrlToBytes(salt), TEST_KDF)).vaultKey;
    };
    const oldVaultKey = await vaultKeyOf(PASSWORDS.bob ?? '');
    await bob.changePassword(PASSWORDS.bob ?? '', newPassword);
    await expect(newClient(PASSWORDS.bob ?? '')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    // The keyring the server holds now opens with the new password's key only.
    const stored = await realtimeOf(bob).request('vault:key:get', {});
    const serving = { request: () => Promise.resolve(stored) } as unknown as Requester;
    await expect(new Vault(serving, new MemoryStore(), 'bob').load(oldVaultKey)).rejects.toThrow();
    await new Vault(serving, new MemoryStore(), 'bob').load(await vaultKeyOf(newPassword));
    const tablet = await newClient(newPassword);
    let seen: string[] = [];
    for (let i = 0; i < 100; i++) {
      seen = await texts(tablet);
      if (seen.length === 4 && seen.every((s) => !s.startsWith('This device'))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toEqual(['one', 'two', 'three', 'four, from the phone']);
  });
});

describe(`safety numbers (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;

  beforeAll(async () => {
    t = await startTestServer();
    [alice, bob] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'bob')]);
    await befriend(alice, bob);
  });
  afterAll(async () => {
    for (const c of [alice, bob]) c?.close();
    await t?.close();
  });

  it('alice-for-bob equals bob-for-alice; after bob\'s identity key changes, alice\'s client warns, strongly once verified', async () => {
    const [forBob, forAlice] = await Promise.all([alice.verification.get('bob'), bob.verification.get('alice')]);
    expect(forBob.safetyNumber).toMatch(/^\d{60}$/);
    expect(forBob.safetyNumber).toBe(forAlice.safetyNumber);
    expect(forBob).toMatchObject({ verified: false, keyChanged: false });
    expect(await alice.verification.setVerified('bob', true)).toMatchObject({ verified: true, keyChanged: false });

    // Bob's identity key is replaced (a new key published: his devices are revoked).
    const changes: { username: string; wasVerified: boolean }[] = [];
    alice.on('identityChanged', (c) => changes.push(c));
    const fresh = generateIdentityKeyPair();
    await realtimeOf(bob).request('identity:publish', {
      identityKey: Buffer.from(fresh.publicKey).toString('base64url'),
      wrappedKey: await wrapIdentityKey(fresh, new Uint8Array(32).fill(7), 'bob'),
    });
    const after = await alice.verification.get('bob');
    expect(after).toMatchObject({ verified: false, keyChanged: true, wasVerified: true });
    expect(after.safetyNumber).not.toBe(forBob.safetyNumber);
    await eventually(() => changes.length > 0, 2_000, 'the identityChanged event');
    expect(changes[0]).toEqual({ username: 'bob', wasVerified: true });
    // Comparing again and marking the new key verified clears the warning.
    expect(await alice.verification.setVerified('bob', true)).toMatchObject({ verified: true, keyChanged: false, wasVerified: false });
  });
});
