/**
 * A new device reads a history with edits and deletes: every message from the vault, no decryption error, the edits
 * and the deletes applied (issue: the edit's own log entry used to show as "not yet in the conversation").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2ee, MemoryStore, UNDECRYPTABLE, type Message, type ParleyClient } from '../../src/sdk/index.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { PASSWORDS, befriend, eventually, inbox, signedIn } from '../support/users.js';

describe(`a new device reads a history with edits and deletes (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let direct: string;
  const clients: ParleyClient[] = [];
  const expected = ['one', 'two (edited)', 'four', 'five', 'six'];

  const newDevice = async (username: string) => {
    const c = t.client();
    clients.push(c);
    await c.login(username, PASSWORDS[username] ?? '');
    await c.connect();
    return c;
  };
  /** The history as a reader shows it: text, or the deletion, or the decryption error. */
  const shown = (messages: Message[]) => messages.map((m) => (m.deleted ? '(deleted)' : (m.decryptionError ?? m.text)));

  beforeAll(async () => {
    t = await startTestServer();
    [alice, bob] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'bob')]);
    clients.push(alice, bob);
    await befriend(alice, bob);
    direct = (await alice.conversations.openDirect('bob')).id;
    const bobInbox = inbox(bob);
    const bobUpdates: Message[] = [];
    bob.on('messageUpdated', (m) => bobUpdates.push(m));
    const sent: Message[] = [];
    for (const text of ['one', 'two', 'three']) sent.push(await alice.messages.send(direct, text));
    await eventually(() => bobInbox.length === 3, 5_000, 'bob reads');
    await alice.messages.edit(sent[1]!.id, 'two (edited)');
    await alice.messages.delete(sent[2]!.id);
    await bob.messages.send(direct, 'four');
    await alice.messages.send(direct, 'five');
    await eventually(() => bobInbox.length === 4 && bobUpdates.length >= 2, 5_000, 'bob reads the edit, the delete and five');
    await bob.messages.send(direct, 'six');
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  it('the old device shows the edit and the delete applied', async () => {
    const history = await bob.messages.history(direct, { limit: 100 });
    expect(shown(history)).toEqual(['one', 'two (edited)', '(deleted)', 'four', 'five', 'six']);
  });

  it.each(['bob', 'alice'])('a new device of %s reads every message, the edit and the delete applied, no decryption error', async (user) => {
    const device = await newDevice(user);
    let history: Message[] = [];
    // The old devices upload to the vault in the background: wait until every text is there.
    for (let i = 0; i < 100; i++) {
      history = await device.messages.history(direct, { limit: 100 });
      if (history.filter((m) => !m.deleted).every((m) => m.decryptionError === null)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(history.filter((m) => m.decryptionError !== null)).toEqual([]);
    expect(shown(history)).toEqual(['one', 'two (edited)', '(deleted)', 'four', 'five', 'six']);
    expect(history.find((m) => m.text === 'two (edited)')?.editedAt).not.toBeNull();
    expect(shown(history).filter((s) => s !== '(deleted)')).toEqual(expected);
  });
});

/** The end-to-end layer of a client (to wait until its vault copies are uploaded). */
const engineOf = (client: ParleyClient): E2ee => {
  const api = (client as unknown as { e2ee?: { api: unknown } }).e2ee?.api;
  if (!(api instanceof E2ee)) throw new Error('the client has no end-to-end layer in this thread');
  return api;
};

describe(`a vault copy survives the client closing before its upload (${dialect})`, () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  it('bob closes right after reading; the next run of his store uploads the copy; his new device reads the message', async () => {
    t = await startTestServer();
    const [alice, bob] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'bob')]);
    clients.push(alice, bob);
    await befriend(alice, bob);
    const direct = (await alice.conversations.openDirect('bob')).id;
    // bob's device keeps its state in a store: the same device opens again after the close.
    const store = new MemoryStore();
    const laptop = t.client({ secretStore: store });
    clients.push(laptop);
    await laptop.login('bob', PASSWORDS.bob ?? '');
    await laptop.connect();
    const read = new Promise<Message>((resolve) =>
      laptop.on('message', (m) => {
        laptop.close(); // before the copy's upload could leave
        resolve(m);
      }),
    );
    await alice.messages.send(direct, 'read, then the tab closed');
    expect((await read).text).toBe('read, then the tab closed');
    bob.close();

    const reopened = t.client({ secretStore: store });
    clients.push(reopened);
    await reopened.login('bob', PASSWORDS.bob ?? '');
    await reopened.connect();
    await engineOf(reopened).vaultSettled();

    const phone = t.client();
    clients.push(phone);
    await phone.login('bob', PASSWORDS.bob ?? '');
    await phone.connect();
    const history = await phone.messages.history(direct);
    expect(history.map((m) => m.decryptionError ?? m.text)).toEqual(['read, then the tab closed']);
  });
});

describe(`an edit a device learns before its target (${dialect})`, () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });
  const device = async () => {
    const c = t.client();
    clients.push(c);
    await c.login('bob', PASSWORDS.bob ?? '');
    await c.connect();
    return c;
  };

  it('bob\'s only reader of the message is offline when alice edits it: his new devices still show the edit, not the vault\'s older copy', async () => {
    t = await startTestServer();
    const [alice, bob] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'bob')]);
    clients.push(alice, bob);
    await befriend(alice, bob);
    const direct = (await alice.conversations.openDirect('bob')).id;
    const bobInbox = inbox(bob);
    const original = await alice.messages.send(direct, 'before the edit');
    await eventually(() => bobInbox.length === 1, 5_000, 'bob reads');
    await engineOf(bob).vaultSettled();
    bob.close(); // the vault now holds the original text, and nobody of bob's will replace it for a while

    const phone = await device();
    const phoneInbox = inbox(phone);
    // The phone joins the group by itself (an external commit): it reads what is sent from then on.
    for (let i = 0; i < 100 && (await phone.encryption.state(direct)) === undefined; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await phone.encryption.state(direct)).toBeDefined();
    await alice.messages.edit(original.id, 'after the edit');
    const marker = await alice.messages.send(direct, 'marker');
    await eventually(() => phoneInbox.some((m) => m.id === marker.id), 5_000, 'the phone reads past the edit');
    const shown = async (c: ParleyClient) => (await c.messages.history(direct)).map((m) => m.decryptionError ?? m.text);
    expect(await shown(phone)).toEqual(['after the edit', 'marker']);

    // A third device learns both from the vault: the target's older copy and the phone's record of the edit.
    await engineOf(phone).vaultSettled();
    const tablet = await device();
    expect(await shown(tablet)).toEqual(['after the edit', 'marker']);
  });
});

describe(`the decryption errors a user can see say why (${dialect})`, () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  it('a message no device of bob\'s read: "not yet in the conversation"; one sent after his phone was removed: "removed"', async () => {
    t = await startTestServer();
    const [alice, bob] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'bob')]);
    clients.push(alice, bob);
    await befriend(alice, bob);
    const direct = (await alice.conversations.openDirect('bob')).id;
    bob.close(); // bob's laptop never reads what comes now
    const unread = await alice.messages.send(direct, 'while bob\'s only device is away');

    const phone = t.client();
    clients.push(phone);
    await phone.login('bob', PASSWORDS.bob ?? '');
    await phone.connect();
    for (let i = 0; i < 100 && (await phone.encryption.state(direct)) === undefined; i++) await new Promise((r) => setTimeout(r, 50));
    const phoneInbox = inbox(phone);
    const seen = await alice.messages.send(direct, 'the phone reads this');
    await eventually(() => phoneInbox.some((m) => m.id === seen.id), 5_000, 'the phone reads');
    const history = await phone.messages.history(direct);
    expect(history.map((m) => [m.id, m.decryptionError ?? m.text])).toEqual([
      [unread.id, UNDECRYPTABLE.notJoined],
      [seen.id, 'the phone reads this'],
    ]);

    // bob removes the phone from his laptop: it is committed out of the group, and says so of what comes next.
    const laptop = t.client();
    clients.push(laptop);
    await laptop.login('bob', PASSWORDS.bob ?? '');
    await laptop.connect();
    // (A device removes another from the groups it is in itself.)
    for (let i = 0; i < 100 && (await laptop.encryption.state(direct)) === undefined; i++) await new Promise((r) => setTimeout(r, 50));
    await laptop.devices.remove(phone.encryption.deviceId()!);
    const after = await alice.messages.send(direct, 'after the phone was removed');
    await eventually(() => phoneInbox.some((m) => m.id === after.id), 5_000, 'the phone gets the entry');
    expect(phoneInbox.find((m) => m.id === after.id)).toMatchObject({ text: '', decryptionError: UNDECRYPTABLE.removed });
    const later = await phone.messages.history(direct);
    expect(later.map((m) => [m.id, m.decryptionError ?? m.text])).toEqual([
      [unread.id, UNDECRYPTABLE.notJoined],
      [seen.id, 'the phone reads this'],
      [after.id, UNDECRYPTABLE.removed],
    ]);
    expect(UNDECRYPTABLE.removed).not.toBe(UNDECRYPTABLE.notJoined);
  });
});
