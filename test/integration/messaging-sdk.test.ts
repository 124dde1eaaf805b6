import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore, type ParleyClient } from '../../src/sdk/index.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, eventually, inbox, signedIn } from '../support/users.js';

describe(`messaging through the SDK (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let carol: ParleyClient;
  let direct: string;
  const aliceStore = new MemoryStore();
  const bobStore = new MemoryStore();

  beforeAll(async () => {
    t = await startTestServer();
    [alice, bob, carol] = await Promise.all([
      signedIn(t, 'alice', { secretStore: aliceStore }),
      signedIn(t, 'bob', { secretStore: bobStore }),
      signedIn(t, 'carol'),
    ]);
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol]) c.close();
    await t.close();
  });

  it('alice and bob become contacts, the request and the acceptance arrive live', async () => {
    const bobSaw: string[] = [];
    const aliceSaw: string[] = [];
    bob.on('contact', (c) => bobSaw.push(`${c.username}:${c.state}`));
    alice.on('contact', (c) => aliceSaw.push(`${c.username}:${c.state}`));
    await alice.contacts.request('bob');
    await eventually(() => bobSaw.includes('alice:incoming'), 2_000, 'live request');
    expect((await bob.contacts.list()).map((c) => [c.username, c.state])).toEqual([['alice', 'incoming']]);
    await bob.contacts.accept('alice');
    await eventually(() => aliceSaw.includes('bob:accepted'), 2_000, 'live acceptance');
    expect((await alice.contacts.list()).find((c) => c.username === 'bob')).toMatchObject({ state: 'accepted', online: true });
  });

  it('alice opens a direct conversation and sends "hello"; bob receives it within a second, once', async () => {
    const bobInbox = inbox(bob);
    const conversation = await alice.conversations.openDirect('bob');
    direct = conversation.id;
    expect((await alice.conversations.openDirect('bob')).id).toBe(direct);
    expect((await bob.conversations.openDirect('alice')).id).toBe(direct);

    const sentAt = Date.now();
    const sent = await alice.messages.send(direct, 'hello');
    // With end-to-end encryption the group's set-up commits come first in the log: the message's seq is theirs + 1.
    expect(sent).toMatchObject({ conversationId: direct, sender: 'alice', text: 'hello', encrypted: true, decryptionError: null });
    await eventually(() => bobInbox.length > 0, 1_000, "bob's message handler");
    expect(Date.now() - sentAt).toBeLessThan(1_000);
    expect(bobInbox).toEqual([expect.objectContaining({ id: sent.id, seq: sent.seq, sender: 'alice', text: 'hello', decryptionError: null })]);

    for (const client of [alice, bob]) {
      const history = await client.messages.history(direct);
      expect(history.map((m) => [m.seq, m.sender, m.text])).toEqual([[sent.seq, 'alice', 'hello']]);
    }
  });

  it('carol, not a member, gets "not found" reading the history or sending, like for a random id', async () => {
    const random = crypto.randomUUID();
    for (const id of [direct, random]) {
      await expect(carol.messages.history(id)).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'No such conversation.' });
      await expect(carol.messages.send(id, 'let me in')).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'No such conversation.' });
      await expect(carol.conversations.get(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    await expect(carol.conversations.openDirect('alice')).rejects.toMatchObject({ code: 'NOT_A_CONTACT' });
    expect((await alice.messages.history(direct)).map((m) => m.text)).toEqual(['hello']);
  });

  it("delivers to the sender's other devices too", async () => {
    const alicePhone = t.client();
    await alicePhone.login('alice', 'violet-harbor-lantern-93');
    await alicePhone.connect();
    const phoneInbox = inbox(alicePhone);
    const sent = await alice.messages.send(direct, 'from the laptop');
    await eventually(() => phoneInbox.some((m) => m.id === sent.id), 2_000, 'other device');
    alicePhone.close();
  });

  it('pages history backwards with before and limit, oldest first', async () => {
    for (let i = 0; i < 12; i++) await bob.messages.send(direct, `n${i}`);
    const last = await alice.messages.page(direct, { limit: 5 });
    expect(last.messages.map((m) => m.decryptionError ?? m.text)).toEqual(['n7', 'n8', 'n9', 'n10', 'n11']);
    expect(last.hasMore).toBe(true);
    const before = await alice.messages.history(direct, { before: last.messages[0]?.seq ?? 0, limit: 100 });
    // Oldest first, all before the newer page (the log's encryption commits are not shown).
    const seqs = before.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs.every((seq) => seq < (last.messages[0]?.seq ?? 0))).toBe(true);
    expect([...before, ...last.messages].filter((m) => /^n\d+$/.test(m.text)).map((m) => m.text)).toEqual(Array.from({ length: 12 }, (_, i) => `n${i}`));
  });

  it('edits and deletes own messages only; a delete leaves a tombstone for all', async () => {
    const updates: string[] = [];
    bob.on('messageUpdated', (m) => updates.push(`${m.id}:${m.deleted ? 'deleted' : m.text}`));
    const m = await alice.messages.send(direct, 'typo');
    await expect(bob.messages.edit(m.id, 'hijack')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(carol.messages.delete(m.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await alice.messages.edit(m.id, 'fixed')).editedAt).not.toBeNull();
    await alice.messages.delete(m.id);
    await eventually(() => updates.includes(`${m.id}:deleted`), 2_000, 'tombstone');
    expect(updates).toContain(`${m.id}:fixed`);
    const tomb = (await bob.messages.history(direct)).find((x) => x.id === m.id);
    expect(tomb).toMatchObject({ deleted: true, text: '' });
  });

  it('tracks unread counts and read receipts', async () => {
    const receipts: number[] = [];
    alice.on('read', (r) => r.username === 'bob' && receipts.push(r.seq));
    const m = await alice.messages.send(direct, 'unread?');
    const before = (await bob.conversations.list()).find((c) => c.id === direct);
    expect(before?.unread).toBeGreaterThan(0);
    await bob.messages.markRead(direct, m.seq);
    expect((await bob.conversations.list()).find((c) => c.id === direct)?.unread).toBe(0);
    await eventually(() => receipts.includes(m.seq), 2_000, 'read receipt');
  });

  it('shows typing to the other members, not to the typist', async () => {
    const bobTyping: string[] = [];
    const aliceTyping: string[] = [];
    bob.on('typing', (e) => bobTyping.push(e.username));
    alice.on('typing', (e) => aliceTyping.push(e.username));
    await alice.conversations.typing(direct);
    await eventually(() => bobTyping.includes('alice'), 2_000, 'typing');
    expect(aliceTyping).toEqual([]);
    await expect(carol.conversations.typing(direct)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps the history unchanged across a server restart', async () => {
    // The same browsers after the restart: each device and what it read are in its store.
    const before = (await alice.messages.history(direct, { limit: 100 })).map((m) => [m.id, m.seq, m.text, m.deleted]);
    alice.close();
    bob.close();
    await t.stop();
    await t.restart();
    alice = t.client({ secretStore: aliceStore });
    await alice.login('alice', 'violet-harbor-lantern-93');
    await alice.connect();
    const after = (await alice.messages.history(direct, { limit: 100 })).map((m) => [m.id, m.seq, m.text, m.deleted]);
    expect(after).toEqual(before);
    bob = t.client({ secretStore: bobStore });
    await bob.login('bob', 'quartz-meadow-circuit-58');
    await bob.connect();
    expect((await bob.messages.history(direct, { limit: 100 })).length).toBe(before.length);
  });

  it('befriend helper works for later tests', async () => {
    await befriend(alice, carol);
    expect((await carol.contacts.list()).find((c) => c.username === 'alice')?.state).toBe('accepted');
  });
});
