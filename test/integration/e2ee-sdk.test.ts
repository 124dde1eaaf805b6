/**
 * End-to-end encryption through the SDK as apps use it (messages.send / on('message')): the server relays and stores
 * only MLS ciphertext; tampering, removal, deleted epochs and racing commits behave as the MLS issue requires.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLS_COMMIT, MLS_PRIVATE } from '../../src/protocol/e2e.js';
import { MemoryStore, UNDECRYPTABLE, type Message, type ParleyClient } from '../../src/sdk/index.js';
import { databaseBytes } from '../support/database.js';
import { commitsAfter, realtimeOf, snapshotDirectory, snapshotGroup, storedLog, tamperStoredBody } from '../support/e2ee.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, eventually, inbox, signedIn } from '../support/users.js';

const CANARY = 'canary-5d81e2-the-server-must-never-see-this';

describe(`end-to-end encryption through the SDK (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let carol: ParleyClient;
  let direct: string;
  let bobInbox: Message[];
  const stores = { alice: new MemoryStore(), bob: new MemoryStore(), carol: new MemoryStore() };

  beforeAll(async () => {
    t = await startTestServer({ env: { LOG_LEVEL: 'trace' } });
    [alice, bob, carol] = await Promise.all([
      signedIn(t, 'alice', { secretStore: stores.alice }),
      signedIn(t, 'bob', { secretStore: stores.bob }),
      signedIn(t, 'carol', { secretStore: stores.carol }),
    ]);
    await befriend(alice, bob);
    await befriend(alice, carol);
    bobInbox = inbox(bob);
    direct = (await alice.conversations.openDirect('bob')).id;
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol]) c?.close();
    await t?.close();
  });

  it('relays ciphertext only: bob reads the canary while it is nowhere in the database or the logs', async () => {
    const sent = await alice.messages.send(direct, CANARY);
    expect(sent).toMatchObject({ text: CANARY, encrypted: true, contentType: MLS_PRIVATE });
    await eventually(() => bobInbox.some((m) => m.id === sent.id), 5_000, 'the canary at bob');
    expect(bobInbox.find((m) => m.id === sent.id)).toMatchObject({ sender: 'alice', text: CANARY, encrypted: true, decryptionError: null });

    const db = await databaseBytes(t.db);
    const logs = Buffer.from(t.logs.lines.join('\n'));
    const raw = Buffer.from(CANARY);
    const forms = [raw, Buffer.from(raw.toString('hex')), Buffer.from(raw.toString('base64').slice(0, 24)), Buffer.from(CANARY, 'utf16le')];
    for (const form of forms) {
      expect(db.includes(form)).toBe(false);
      expect(logs.includes(form)).toBe(false);
    }
    // The scan can see bodies: the stored ciphertext itself is in the database bytes.
    const stored = (await storedLog(bob, direct)).find((m) => m.id === sent.id);
    expect(stored?.contentType).toBe(MLS_PRIVATE);
    const needle = Buffer.from(stored!.body).subarray(-24);
    expect(db.includes(t.db.postgresUrl ? Buffer.from(needle.toString('hex')) : needle)).toBe(true);
    // And every other stored body in the conversation is MLS too: set-up commits and ciphertext, no plain text.
    expect(new Set((await storedLog(bob, direct)).map((m) => m.contentType))).toEqual(new Set([MLS_COMMIT, MLS_PRIVATE]));
  });

  it('a flipped byte in a stored message: bob\'s SDK reports a decryption failure and delivers no text', async () => {
    const socket = realtimeOf(bob).socket!;
    socket.disconnect();
    const target = await alice.messages.send(direct, 'this will be altered at rest');
    const next = await alice.messages.send(direct, 'this one is intact');
    await tamperStoredBody(t, target.id);
    socket.connect();
    await eventually(() => bobInbox.some((m) => m.id === next.id), 5_000, 'catch-up after reconnect');
    const altered = bobInbox.find((m) => m.id === target.id);
    expect(altered).toMatchObject({ text: '', encrypted: true, decryptionError: UNDECRYPTABLE.failed });
    expect(bobInbox.find((m) => m.id === next.id)).toMatchObject({ text: 'this one is intact', decryptionError: null });
    // History says the same, and alice (who sent it) still reads her own text.
    expect((await bob.messages.history(direct)).find((m) => m.id === target.id)).toMatchObject({ text: '', decryptionError: UNDECRYPTABLE.failed });
  });

  it('a removed member cannot decrypt what is sent after the removal', async () => {
    const group = (await alice.conversations.createGroup('plans', ['bob', 'carol'])).id;
    const carolInbox = inbox(carol);
    const hello = await alice.messages.send(group, 'hello all three');
    await eventually(() => carolInbox.some((m) => m.id === hello.id), 5_000, 'carol reads');
    expect(carolInbox.find((m) => m.id === hello.id)?.text).toBe('hello all three');
    const directory = await snapshotDirectory(alice, ['alice', 'bob', 'carol']);
    const seized = await snapshotGroup(stores.carol, 'carol', group);

    await alice.conversations.removeMember(group, 'carol');
    const secret = await alice.messages.send(group, 'after carol was removed');
    await eventually(() => bobInbox.some((m) => m.id === secret.id), 5_000, 'bob reads');
    expect(bobInbox.find((m) => m.id === secret.id)?.text).toBe('after carol was removed');
    expect(carolInbox.some((m) => m.id === secret.id)).toBe(false);

    // Carol's last state (seized from her device), given the log's ciphertext, cannot read it...
    const log = await storedLog(bob, group);
    const body = log.find((m) => m.id === secret.id)!.body;
    await expect((await seized.open(directory)).decrypt(body)).rejects.toMatchObject({ name: 'MlsCryptoError' });
    // ...not even after processing every commit since: the removal takes her out of the group.
    const state = await seized.open(directory);
    const outcomes = [];
    for (const commit of commitsAfter(log, seized.seq)) outcomes.push(await state.processHandshake(commit.body));
    expect(outcomes.some((o) => o.kind === 'commit' && o.removedSelf)).toBe(true);
    await expect(state.decrypt(body)).rejects.toMatchObject({ name: 'MlsCryptoError' });
  });

  it('forward secrecy: a device\'s state cannot decrypt a message from an epoch it has deleted', async () => {
    const before = await snapshotGroup(stores.bob, 'bob', direct);
    const old = await alice.messages.send(direct, 'said in an old epoch');
    await eventually(() => bobInbox.some((m) => m.id === old.id), 5_000, 'bob reads');
    const body = (await storedLog(bob, direct)).find((m) => m.id === old.id)!.body;
    const directory = await snapshotDirectory(alice, ['alice', 'bob']);
    // The check can succeed: bob's state from before he read it decrypts it.
    const earlier = await before.open(directory);
    const oldEpoch = earlier.epoch;
    expect((await earlier.decrypt(body)).text).toContain('said in an old epoch');
    // Once read, the message key is gone, even within the same epoch.
    await expect((await (await snapshotGroup(stores.bob, 'bob', direct)).open(directory)).decrypt(body)).rejects.toMatchObject({
      name: 'MlsCryptoError',
    });
    // Two epochs later (bob keeps one past epoch for late messages), the epoch's secrets are deleted too.
    await alice.encryption.updateKeys(direct);
    await bob.encryption.updateKeys(direct);
    const now = await snapshotGroup(stores.bob, 'bob', direct);
    const state = await now.open(directory);
    expect(state.epoch).toBe(oldEpoch + 2n);
    await expect(state.decrypt(body)).rejects.toMatchObject({ name: 'MlsCryptoError' });
  });

  it('two members commit at the same epoch: one wins, the other catches up and retries; no fork, no lost message', async () => {
    const aliceInbox = inbox(alice);
    const start = (await alice.encryption.state(direct))!.epoch;
    const sends = [
      ...Array.from({ length: 5 }, (_, i) => alice.messages.send(direct, `a${i}`)),
      ...Array.from({ length: 5 }, (_, i) => bob.messages.send(direct, `b${i}`)),
    ];
    await Promise.all([alice.encryption.updateKeys(direct), bob.encryption.updateKeys(direct), ...sends]);
    const sent = await Promise.all(sends);
    await eventually(
      () => sent.every((m) => (m.sender === 'alice' ? bobInbox : aliceInbox).some((r) => r.id === m.id)),
      10_000,
      'every message at the other side',
    );
    const [a, b] = [(await alice.encryption.state(direct))!, (await bob.encryption.state(direct))!];
    expect(a.epoch).toBe(start + 2);
    expect(b.epoch).toBe(a.epoch);
    expect(b.authenticator).toBe(a.authenticator);
    const texts = (inboxOf: Message[], who: string) => inboxOf.filter((m) => m.sender === who && /^[ab]\d$/.test(m.text)).map((m) => m.text);
    expect(texts(bobInbox, 'alice')).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(texts(aliceInbox, 'bob')).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
    // Exactly once: no message id twice in an inbox.
    for (const box of [aliceInbox, bobInbox]) expect(new Set(box.map((m) => m.id)).size).toBe(box.length);
  });

  it('a device that cannot process an accepted commit resyncs by external join; what it missed is shown, not dropped', async () => {
    const socket = realtimeOf(bob).socket!;
    socket.disconnect();
    await alice.encryption.updateKeys(direct);
    const commit = (await storedLog(alice, direct)).filter((m) => m.contentType === MLS_COMMIT).at(-1)!;
    const missed = await alice.messages.send(direct, 'sent in an epoch bob cannot enter');
    await tamperStoredBody(t, commit.id);
    socket.connect();
    await eventually(() => bobInbox.some((m) => m.id === missed.id), 10_000, 'bob hears of the message he cannot read');
    expect(bobInbox.find((m) => m.id === missed.id)).toMatchObject({ text: '', decryptionError: UNDECRYPTABLE.notJoined });

    // Bob's device replaced its own leaf by an external commit and reads what comes next.
    const next = await alice.messages.send(direct, 'after bob resynced');
    await eventually(() => bobInbox.some((m) => m.id === next.id), 10_000, 'bob reads again');
    expect(bobInbox.find((m) => m.id === next.id)).toMatchObject({ text: 'after bob resynced', decryptionError: null });
    const [a, b] = [(await alice.encryption.state(direct))!, (await bob.encryption.state(direct))!];
    expect(b.authenticator).toBe(a.authenticator);
    expect(a.devices.filter((d) => d.username === 'bob')).toEqual([{ username: 'bob', deviceId: bob.encryption.deviceId() }]);
  });

  it('commits are not unread messages: a key update leaves bob with nothing unread', async () => {
    const newest = (await bob.messages.history(direct, { limit: 1 }))[0]!;
    await bob.messages.markRead(direct, newest.seq);
    expect((await bob.conversations.get(direct)).unread).toBe(0);
    await alice.encryption.updateKeys(direct);
    expect((await bob.conversations.get(direct)).unread).toBe(0);
    const hello = await alice.messages.send(direct, 'one unread');
    await eventually(() => bobInbox.some((m) => m.id === hello.id), 5_000, 'bob receives');
    expect((await bob.conversations.get(direct)).unread).toBe(1);
  });
});
