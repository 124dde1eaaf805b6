import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportProgress, ParleyClient } from '../../src/sdk/index.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, eventually, inbox, PASSWORDS, signedIn } from '../support/users.js';

describe(`history export, made on the device (${dialect})`, () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  it('exports every conversation alice can read, decrypted, oldest first, with deletions and progress; commits left out', { timeout: 60_000 }, async () => {
    const [alice, bob, carol] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'bob'), signedIn(t, 'carol')]);
    clients.push(alice, bob, carol);
    await befriend(alice, bob);
    await befriend(alice, carol);
    const direct = (await alice.conversations.openDirect('bob')).id;
    const aliceInbox = inbox(alice);
    await alice.messages.send(direct, 'hello bob');
    const gone = await alice.messages.send(direct, 'oops');
    await alice.messages.delete(gone.id);
    await bob.messages.send(direct, 'hi alice');
    const group = await alice.conversations.createGroup('trip', ['bob', 'carol']);
    await carol.messages.send(group.id, 'tickets booked');
    await eventually(() => aliceInbox.length >= 2, 5_000, 'alice reads bob and carol');

    const progress: ExportProgress[] = [];
    const history = await alice.exportHistory((p) => progress.push(p));
    expect(history).toMatchObject({ format: 'parley-history/v1', username: 'alice' });
    expect(history.conversations).toHaveLength(2);
    const d = history.conversations.find((c) => c.id === direct);
    expect(d?.messages.map((m) => (m.deleted ? '(deleted)' : `${m.sender}: ${m.text}`))).toEqual(['alice: hello bob', '(deleted)', 'bob: hi alice']);
    expect(d?.members.sort()).toEqual(['alice', 'bob']);
    const g = history.conversations.find((c) => c.id === group.id);
    expect(g).toMatchObject({ kind: 'group', name: 'trip' });
    expect(g?.messages.map((m) => m.text)).toEqual(['tickets booked']);
    expect(history.conversations.flatMap((c) => c.messages).every((m) => m.unreadable === undefined)).toBe(true);
    expect(progress.at(0)).toEqual({ done: 0, total: 2, messages: 0 });
    expect(progress.at(-1)).toEqual({ done: 2, total: 2, messages: 4 });

    // A new device of alice exports the same texts, from her vault.
    alice.close();
    const laptop = t.client();
    clients.push(laptop);
    await laptop.login('alice', PASSWORDS.alice ?? '');
    await laptop.connect();
    let again = await laptop.exportHistory();
    // Until the vault copies of the other device's reads have arrived; not too often (each try reads every page).
    for (let i = 0; i < 60 && again.conversations.some((c) => c.messages.some((m) => m.unreadable)); i++) {
      await new Promise((r) => setTimeout(r, 500));
      again = await laptop.exportHistory();
    }
    expect(again.conversations.find((c) => c.id === direct)?.messages.map((m) => m.text)).toEqual(['hello bob', '', 'hi alice']);
  });
});
