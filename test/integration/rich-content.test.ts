/**
 * Rich conversations through the SDK, end to end: a message with files, a caption, a mention and a reply; reactions
 * added and taken off; all of it read by the other side, after a reload from the store and on a new device from the
 * vault. The server learns none of it: the file's name and bytes, the caption and the reaction's emoji are nowhere
 * in its database or on its disk (blob store included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2ee, MemoryStore, type Message, type ParleyClient } from '../../src/sdk/index.js';
import { databaseBytes } from '../support/database.js';
import { dialect } from '../support/env.js';
import { randomFile, serverHolds } from '../support/files.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { PASSWORDS, befriend, eventually, inbox, signedIn } from '../support/users.js';

const NAME_CANARY = 'holiday-7f3a9c-canary.jpg';
const CAPTION_CANARY = 'caption-b51d0e-canary';
/** An emoji unlikely to be chosen by anything else the test does: its UTF-8 bytes must not reach the server. */
const EMOJI = '🦩';

const engineOf = (client: ParleyClient): E2ee => {
  const api = (client as unknown as { e2ee?: { api: unknown } }).e2ee?.api;
  if (!(api instanceof E2ee)) throw new Error('the client has no end-to-end layer in this thread');
  return api;
};
const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as { code: string });

describe(`rich conversations: files, replies, mentions, reactions (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let direct: string;
  const clients: ParleyClient[] = [];
  const stores = { alice: new MemoryStore(), bob: new MemoryStore() };
  const photo = randomFile(300_000);
  const doc = randomFile(5_000);
  let bobInbox: Message[];
  let aliceInbox: Message[];
  const bobUpdates: Message[] = [];
  const aliceUpdates: Message[] = [];
  let sent: Message;
  let reply: Message;
  /** bob's copy of the photo message as it first arrived (with its files). */
  const got0 = () => bobInbox.find((m) => m.id === sent.id)!;

  beforeAll(async () => {
    t = await startTestServer();
    [alice, bob] = await Promise.all([
      signedIn(t, 'alice', { secretStore: stores.alice }),
      signedIn(t, 'bob', { secretStore: stores.bob }),
    ]);
    clients.push(alice, bob);
    await befriend(alice, bob);
    direct = (await alice.conversations.openDirect('bob')).id;
    bobInbox = inbox(bob);
    aliceInbox = inbox(alice);
    bob.on('messageUpdated', (m) => bobUpdates.push(m));
    alice.on('messageUpdated', (m) => aliceUpdates.push(m));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  it('alice sends two files with a caption mentioning @bob; bob sees their metadata and downloads them byte-identical', async () => {
    const progress: number[] = [];
    const pending = alice.messages.send(direct, {
      text: `${CAPTION_CANARY} for @bob and @nobody`,
      attachments: [
        { name: NAME_CANARY, type: 'image/jpeg', data: photo, width: 640, height: 480, thumbnail: new Uint8Array([1, 2, 3]) },
        { name: 'notes.txt', type: 'text/plain', data: new Blob([doc as Uint8Array<ArrayBuffer>]) },
      ],
    });
    alice.engine.subscribe((s) => {
      const echo = s.windows[direct]?.messages.find((m) => m.status === 'pending');
      for (const u of echo?.uploads ?? []) progress.push(u.done);
    });
    sent = await pending;
    expect(sent).toMatchObject({ text: `${CAPTION_CANARY} for @bob and @nobody`, mentions: ['bob'], replyTo: null, reactions: [] });
    expect(sent.attachments.map((a) => [a.name, a.type, a.size, a.width, a.height])).toEqual([
      [NAME_CANARY, 'image/jpeg', photo.length, 640, 480],
      ['notes.txt', 'text/plain', doc.length, undefined, undefined],
    ]);

    await eventually(() => bobInbox.some((m) => m.id === sent.id), 10_000, 'the photo at bob');
    const got = bobInbox.find((m) => m.id === sent.id)!;
    expect(got).toMatchObject({ sender: 'alice', text: sent.text, mentions: ['bob'], decryptionError: null });
    expect(got.attachments.map((a) => a.blobId)).toEqual(sent.attachments.map((a) => a.blobId));
    expect(Buffer.from(await bob.attachments.download(got, 0)).equals(Buffer.from(photo))).toBe(true);
    expect(Buffer.from(await bob.attachments.download(got, 1)).equals(Buffer.from(doc))).toBe(true);
    expect(await errorOf(bob.attachments.download(got, 2))).toMatchObject({ code: 'NOT_FOUND' });
    // A file whose announced hash is not the ciphertext's gives an error, never bytes.
    const forged = { ...got, attachments: [{ ...got.attachments[0]!, hash: got.attachments[1]!.hash }] };
    expect(await errorOf(bob.attachments.download(forged, 0))).toMatchObject({ code: 'FILE_CORRUPT' });
  });

  it('bob replies: the reply carries the id of the message and a quote resolved on each device', async () => {
    reply = await bob.messages.send(direct, { text: 'nice one', replyTo: sent.id });
    expect(reply).toMatchObject({ replyTo: sent.id, quote: { seq: sent.seq, sender: 'alice', kind: 'text' } });
    expect(reply.quote?.text).toContain(CAPTION_CANARY);
    await eventually(() => aliceInbox.some((m) => m.id === reply.id), 5_000, 'the reply at alice');
    expect(aliceInbox.find((m) => m.id === reply.id)).toMatchObject({ replyTo: sent.id, quote: { sender: 'alice', seq: sent.seq } });
    // A reply to a message this client never showed is refused before anything is sent.
    expect(await errorOf(bob.messages.send(direct, { text: 'x', replyTo: crypto.randomUUID() }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reactions toggle per user and emoji, and reach both sides as messageUpdated', async () => {
    const reacted = await bob.messages.react(sent.id, EMOJI);
    expect(reacted.reactions).toEqual([{ emoji: EMOJI, users: ['bob'] }]);
    await eventually(() => aliceUpdates.some((m) => m.id === sent.id && m.reactions.length === 1), 5_000, 'the reaction at alice');
    const both = await alice.messages.react(sent.id, EMOJI);
    expect(both.reactions).toEqual([{ emoji: EMOJI, users: ['bob', 'alice'] }]);
    await alice.messages.react(sent.id, '👍');
    const off = await bob.messages.unreact(sent.id, EMOJI);
    expect(off.reactions).toEqual([{ emoji: EMOJI, users: ['alice'] }, { emoji: '👍', users: ['alice'] }]);
    await eventually(
      () => aliceUpdates.filter((m) => m.id === sent.id).at(-1)?.reactions[0]?.users.join() === 'alice',
      5_000,
      'bob\'s unreact at alice',
    );
    // Reactions are not messages: nobody's inbox grew.
    expect(bobInbox.filter((m) => m.seq > reply.seq)).toEqual([]);
    expect(await errorOf(bob.messages.react(sent.id, 'not an emoji'))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await errorOf(bob.messages.react(sent.id, '👍👍'))).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('an edit keeps the files and reactions; history shows them all', async () => {
    await alice.messages.edit(sent.id, `${CAPTION_CANARY} (edited)`);
    await eventually(() => bobUpdates.some((m) => m.id === sent.id && m.editedAt !== null), 5_000, 'the edit at bob');
    const history = await bob.messages.history(direct, { limit: 50 });
    expect(history.map((m) => m.id)).toEqual([sent.id, reply.id]);
    const first = history[0]!;
    expect(first).toMatchObject({ text: `${CAPTION_CANARY} (edited)`, mentions: ['bob'] });
    expect(first.attachments.map((a) => a.name)).toEqual([NAME_CANARY, 'notes.txt']);
    expect(first.reactions).toEqual([{ emoji: EMOJI, users: ['alice'] }, { emoji: '👍', users: ['alice'] }]);
    expect(history[1]).toMatchObject({ replyTo: sent.id, quote: { kind: 'text' } });
    // The local search finds the message by its file's name (indexed on the device, never sent anywhere).
    let found: string[] = [];
    for (let i = 0; i < 50 && !found.includes(sent.id); i++) {
      found = (await bob.search('notes', { hasFile: true })).map((h) => h.message.id);
      if (!found.includes(sent.id)) await new Promise((r) => setTimeout(r, 50));
    }
    expect(found).toContain(sent.id);
  });

  it('a reload (same store) and a new device of bob (from the vault) show the same files, reply and reactions', async () => {
    await engineOf(bob).vaultSettled();
    await engineOf(alice).vaultSettled();
    const reloaded = t.client({ secretStore: stores.bob });
    clients.push(reloaded);
    await reloaded.login('bob', PASSWORDS.bob ?? '');
    await reloaded.connect();
    const phone = t.client();
    clients.push(phone);
    await phone.login('bob', PASSWORDS.bob ?? '');
    await phone.connect();
    for (const device of [reloaded, phone]) {
      const history = await device.messages.history(direct, { limit: 50 });
      expect(history.map((m) => m.decryptionError)).toEqual([null, null]);
      expect(history[0]!.attachments.map((a) => a.name)).toEqual([NAME_CANARY, 'notes.txt']);
      expect(history[0]!.reactions).toEqual([{ emoji: EMOJI, users: ['alice'] }, { emoji: '👍', users: ['alice'] }]);
      expect(history[1]).toMatchObject({ replyTo: sent.id, quote: { sender: 'alice', kind: 'text' } });
      expect(Buffer.from(await device.attachments.download(history[0]!, 0)).equals(Buffer.from(photo))).toBe(true);
    }
  });

  it('the server holds none of it: no file name, caption, emoji or file bytes in its database or on its disk', async () => {
    const db = await databaseBytes(t.db);
    for (const canary of [NAME_CANARY, CAPTION_CANARY, 'notes.txt', 'image/jpeg']) {
      for (const form of [Buffer.from(canary), Buffer.from(Buffer.from(canary).toString('hex')), Buffer.from(canary, 'utf16le')]) {
        expect(db.includes(form)).toBe(false);
      }
      expect(await serverHolds(t.db, Buffer.from(canary))).toBe(false);
    }
    expect(db.includes(Buffer.from(EMOJI))).toBe(false);
    expect(db.includes(Buffer.from(Buffer.from(EMOJI).toString('hex')))).toBe(false);
    expect(await serverHolds(t.db, Buffer.from(EMOJI))).toBe(false);
    // 64 bytes from inside each file are nowhere on the server (the blob store holds ciphertext only).
    expect(await serverHolds(t.db, photo.subarray(150_000, 150_064))).toBe(false);
    expect(await serverHolds(t.db, doc.subarray(1_000, 1_064))).toBe(false);
    // The check can see what is there: the database does hold the reply's sender name.
    expect(db.includes(Buffer.from('alice'))).toBe(true);
  });

  it('deleting the photo message: its files and reactions go, the reply stays and quotes "deleted"', async () => {
    await alice.messages.delete(sent.id);
    await eventually(() => bobUpdates.some((m) => m.id === sent.id && m.deleted), 5_000, 'the delete at bob');
    const history = await bob.messages.history(direct, { limit: 50 });
    expect(history[0]).toMatchObject({ id: sent.id, deleted: true, text: '', attachments: [], reactions: [] });
    expect(history[1]).toMatchObject({ id: reply.id, replyTo: sent.id, quote: { seq: sent.seq, kind: 'deleted' } });
    expect(await errorOf(bob.attachments.download(got0(), 0))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('files, replies and reactions need encryption: a plain client is refused with VALIDATION_FAILED, nothing uploaded', async () => {
    const plain = await signedIn(t, 'carol', { encryption: 'none' });
    clients.push(plain);
    await befriend(alice, plain);
    const c = (await plain.conversations.openDirect('alice')).id;
    const refused = await errorOf(plain.messages.send(c, { text: 'x', attachments: [{ name: 'a.bin', type: 'application/octet-stream', data: randomFile(10) }] }));
    expect(refused).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await errorOf(plain.messages.send(c, { text: '   ' }))).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
