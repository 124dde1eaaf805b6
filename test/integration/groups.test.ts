import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/sdk/index.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, eventually, inbox, signedIn, wireMessages } from '../support/users.js';

describe(`groups, roles and removal (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let carol: ParleyClient;
  let dave: ParleyClient;
  let group: string;

  beforeAll(async () => {
    t = await startTestServer();
    [alice, bob, carol, dave] = await Promise.all([
      signedIn(t, 'alice'),
      signedIn(t, 'bob'),
      signedIn(t, 'carol'),
      signedIn(t, 'dave'),
    ]);
    await befriend(alice, bob);
    await befriend(alice, carol);
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol, dave]) c.close();
    await t.close();
  });

  it('creates a group from contacts only; every member hears of it live', async () => {
    await expect(alice.conversations.createGroup('nope', ['dave'])).rejects.toMatchObject({ code: 'NOT_A_CONTACT' });
    const carolSaw: string[] = [];
    carol.on('conversation', (c) => carolSaw.push(c.name ?? ''));
    const g = await alice.conversations.createGroup('Weekend plans', ['bob', 'carol']);
    group = g.id;
    expect(g).toMatchObject({ kind: 'group', name: 'Weekend plans', myRole: 'owner' });
    expect(g.members.map((m) => [m.username, m.role])).toEqual([
      ['alice', 'owner'],
      ['bob', 'member'],
      ['carol', 'member'],
    ]);
    await eventually(() => carolSaw.includes('Weekend plans'), 2_000, 'live group');
    const bobInbox = inbox(bob);
    const carolInbox = inbox(carol);
    await alice.messages.send(group, 'hi all');
    await bob.messages.send(group, 'hi from bob');
    await eventually(() => bobInbox.length === 2 && carolInbox.length === 2, 2_000, 'group fan-out');
    expect(carolInbox.map((m) => `${m.sender}:${m.text}`)).toEqual(['alice:hi all', 'bob:hi from bob']);
  });

  it('lets only admins manage members and only the owner change roles', async () => {
    await expect(bob.conversations.removeMember(group, 'carol')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(bob.conversations.rename(group, 'mine now')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(bob.conversations.setRole(group, 'bob', 'admin')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(dave.conversations.removeMember(group, 'carol')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const promoted = await alice.conversations.setRole(group, 'bob', 'admin');
    expect(promoted.members.find((m) => m.username === 'bob')?.role).toBe('admin');
    await expect(bob.conversations.removeMember(group, 'alice')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const renamed = await bob.conversations.rename(group, 'Weekend <b>plans</b>');
    expect(renamed.name).toBe('Weekend <b>plans</b>');
  });

  it('removal takes effect at once: the removed member receives nothing more and cannot read on', async () => {
    const carolInbox = inbox(carol);
    const carolWire = wireMessages(carol);
    const removed: string[] = [];
    carol.on('conversationRemoved', (id) => removed.push(id));
    await bob.conversations.removeMember(group, 'carol');
    await eventually(() => removed.includes(group), 2_000, 'removal event');
    const direct = await alice.conversations.openDirect('carol');
    await alice.messages.send(group, 'after carol left');
    // The marker: a later message to carol in a conversation she is still in, on the same connection, so after
    // anything the server would have sent her from the group.
    const marker = await alice.messages.send(direct.id, 'marker');
    await eventually(() => carolWire.some((m) => m.id === marker.id), 5_000, 'the marker on carol\'s connection');
    expect(carolWire.filter((m) => m.conversationId === group)).toEqual([]);
    expect(carolInbox.filter((m) => m.conversationId === group)).toEqual([]);
    await expect(carol.messages.history(group)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(carol.messages.send(group, 'still here?')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await carol.conversations.list()).map((c) => c.id)).not.toContain(group);
  });

  it('a re-added member reads only from the point they joined', async () => {
    const before = (await alice.messages.history(group)).length;
    const carolInbox = inbox(carol);
    const re = await alice.conversations.addMember(group, 'carol');
    expect(re.members.map((m) => m.username)).toContain('carol');
    await expect(alice.conversations.addMember(group, 'carol')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await carol.conversations.list()).some((c) => c.id === group)).toBe(true);
    expect(await carol.messages.history(group)).toEqual([]);
    await alice.messages.send(group, 'welcome back');
    await eventually(() => carolInbox.some((m) => m.text === 'welcome back'), 2_000, 'delivery to re-added member');
    expect((await carol.messages.history(group)).map((m) => m.text)).toEqual(['welcome back']);
    expect(before).toBeGreaterThan(0);
  });

  it('the owner leaving hands ownership to an admin; direct conversations cannot be left', async () => {
    await alice.conversations.leave(group);
    await expect(alice.messages.history(group)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const g = await bob.conversations.get(group);
    expect(g.members.find((m) => m.username === 'bob')?.role).toBe('owner');
    expect(g.members.map((m) => m.username)).not.toContain('alice');
    const direct = await alice.conversations.openDirect('bob');
    await expect(alice.conversations.leave(direct.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe(`blocks and presence (${dialect})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('shows presence to contacts only, and a block ends requests, messages and presence', async () => {
    const [alice, bob, carol] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'bob'), signedIn(t, 'carol')]);
    await befriend(alice, bob);
    const direct = await alice.conversations.openDirect('bob');
    const alicePresence: string[] = [];
    const carolPresence: string[] = [];
    alice.on('presence', (p) => alicePresence.push(`${p.username}:${p.online}`));
    carol.on('presence', (p) => carolPresence.push(`${p.username}:${p.online}`));

    bob.close();
    await eventually(() => alicePresence.includes('bob:false'), 2_000, 'offline presence');
    expect((await alice.contacts.list()).find((c) => c.username === 'bob')?.online).toBe(false);
    await bob.connect();
    await eventually(() => alicePresence.includes('bob:true'), 2_000, 'online presence');
    expect(carolPresence).toEqual([]);
    expect((await carol.contacts.list()).find((c) => c.username === 'bob')).toBeUndefined();

    const aliceContacts: string[] = [];
    alice.on('contact', (c) => aliceContacts.push(`${c.username}:${c.state}`));
    await bob.contacts.block('alice');
    await eventually(() => aliceContacts.includes('bob:none'), 2_000, 'contact ended');
    await expect(alice.messages.send(direct.id, 'are you there?')).rejects.toMatchObject({ code: 'BLOCKED' });
    await expect(alice.conversations.openDirect('bob')).rejects.toMatchObject({ code: 'BLOCKED' });
    expect((await alice.contacts.request('bob')).state).toBe('outgoing');
    await bob.contacts.unblock('alice');
    await expect(bob.messages.send(direct.id, 'unblocked but not contacts')).rejects.toMatchObject({ code: 'NOT_A_CONTACT' });
    await bob.contacts.block('alice');
    // The block binds both ways: the one who blocked cannot write either.
    await expect(bob.messages.send(direct.id, 'blocked by me')).rejects.toMatchObject({ code: 'BLOCKED' });
    expect((await bob.contacts.list()).map((c) => `${c.username}:${c.state}`)).toEqual(['alice:blocked']);

    alicePresence.length = 0;
    bob.close();
    await bob.connect();
    // The server announces a connection's presence before its `ready`; the marker is a later event on alice's
    // connection (carol's contact request), so any presence of bob would have reached alice before it.
    await carol.contacts.request('alice');
    await eventually(() => aliceContacts.some((c) => c.startsWith('carol:')), 5_000, 'the marker (carol\'s request) at alice');
    expect(alicePresence).toEqual([]);
    for (const c of [alice, bob, carol]) c.close();
  });
});
