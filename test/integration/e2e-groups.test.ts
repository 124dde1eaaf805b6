import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MlsDevice } from '../../src/sdk/crypto/index.js';
import { dialect } from '../support/env.js';
import { addDevice, e2eUser, LogReader, newClientKey, sendCommit, type E2eUser } from '../support/mls.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, eventually } from '../support/users.js';

const code = (answer: unknown) => (answer as { error?: { code?: string } }).error?.code;
const devices = (log: LogReader) => log.conversation.members().map((m) => `${m.username}/${m.deviceId}`).sort();

describe(`end-to-end encrypted groups: the server's membership rules on commits (${dialect})`, () => {
  let t: TestServer;
  let alice: E2eUser;
  let bob: E2eUser;
  let carol: E2eUser;
  let dave: E2eUser;
  const device: Record<string, MlsDevice> = {};
  let groupId: string;
  const logs: Record<string, LogReader> = {};

  /** Joins `user`'s device from the Welcome the server routed to it. */
  async function join(user: E2eUser, deviceId: string): Promise<LogReader> {
    await eventually(() => user.welcomes.some((w) => w.conversationId === groupId), 5_000, `welcome for ${user.username}`);
    const [welcome] = (await user.request('mls:welcomes', { deviceId })).welcomes.filter((w) => w.conversationId === groupId);
    const conversation = await device[deviceId]!.joinWelcome(welcome!.body, groupId);
    await user.request('mls:ackWelcomes', { deviceId, ids: [welcome!.id] });
    return new LogReader(user, conversation, welcome!.commitSeq);
  }

  async function catchUpAll(): Promise<void> {
    for (const log of Object.values(logs)) await log.catchUp();
  }

  beforeAll(async () => {
    t = await startTestServer();
    [alice, bob, carol, dave] = await Promise.all([e2eUser(t, 'alice'), e2eUser(t, 'bob'), e2eUser(t, 'carol'), e2eUser(t, 'dave')]);
    await befriend(alice.client, bob.client);
    await befriend(alice.client, carol.client);
    await befriend(alice.client, dave.client);
    for (const [user, id] of [[alice, 'a1'], [bob, 'b1'], [carol, 'c1'], [dave, 'd1']] as const) device[id] = await addDevice(user, id);
    groupId = (await alice.client.conversations.createGroup('Weekend plans', ['bob', 'carol'])).id;
  });
  afterAll(async () => {
    for (const u of [alice, bob, carol, dave]) u?.client.close();
    await t?.close();
  });

  it('the owner creates the MLS group and adds the members\' devices; each reads the others', async () => {
    const group = await device.a1!.createConversation(groupId);
    const { seq } = await alice.request('mls:init', { conversationId: groupId, groupInfo: await group.groupInfo() });
    logs.alice = new LogReader(alice, group, seq);
    const { keyPackages } = await alice.request('keyPackages:claim', { usernames: ['bob', 'carol'] });
    await logs.alice.commit(await group.addMembers(keyPackages.map((k) => k.body)));
    logs.bob = await join(bob, 'b1');
    logs.carol = await join(carol, 'c1');
    expect(devices(logs.carol)).toEqual(['alice/a1', 'bob/b1', 'carol/c1']);
    await logs.bob.say('hi all');
    await catchUpAll();
    expect(logs.carol.texts).toEqual(['hi all']);
    expect(logs.alice.texts).toEqual(['hi all']);
  });

  it('refuses a plain member\'s commit removing someone else and any add of a non-member: FORBIDDEN, no Welcome routed', async () => {
    const removal = await logs.bob!.conversation.removeMembers([{ username: 'carol' }]);
    await expect(sendCommit(bob, groupId, removal)).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Only admins can remove members.' });
    logs.bob!.conversation.discardCommit();

    // Dave joins the group on the server (an admin's decision); his devices are not in the MLS group yet.
    await alice.client.conversations.addMember(groupId, 'dave');
    expect((await dave.request('mls:welcomes', { deviceId: 'd1' })).welcomes).toHaveLength(0);
    expect((await bob.request('mls:groupInfo', { conversationId: groupId })).epoch).toBe(1);

    // A device of someone who is not a member cannot be added by anyone.
    const outsider = await e2eUser(t, 'erin');
    await befriend(alice.client, outsider.client);
    device.e1 = await addDevice(outsider, 'e1');
    const { keyPackages: erins } = await alice.request('keyPackages:claim', { usernames: ['erin'] });
    const sneaky = await logs.alice!.conversation.addMembers(erins.map((k) => k.body));
    await expect(sendCommit(alice, groupId, sneaky)).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'erin is not a member of this conversation.' });
    logs.alice!.conversation.discardCommit();
    outsider.client.close();

    // Any member may add a current member's devices (the server decided the membership; every member's client makes
    // the MLS group follow it): bob, a plain member, adds dave's device.
    const { keyPackages: daves } = await bob.request('keyPackages:claim', { usernames: ['dave'] });
    await logs.bob!.commit(await logs.bob!.conversation.addMembers(daves.map((k) => k.body)));
    logs.dave = await join(dave, 'd1');
    await logs.alice!.catchUp();
    await catchUpAll();
    expect(devices(logs.dave)).toEqual(['alice/a1', 'bob/b1', 'carol/c1', 'dave/d1']);
  });

  it('lets anyone commit the removal of a user the server already removed, and an admin remove a member', async () => {
    await alice.client.conversations.removeMember(groupId, 'carol');
    delete logs.carol;
    const removal = await logs.bob!.conversation.removeMembers([{ username: 'carol' }]);
    await logs.bob!.commit(removal);
    await catchUpAll();
    expect(devices(logs.alice!)).toEqual(['alice/a1', 'bob/b1', 'dave/d1']);

    // Removing a member who still is one takes an admin: alice (the owner) may remove dave's device.
    await logs.alice!.commit(await logs.alice!.conversation.removeMembers([{ username: 'dave' }]));
    await catchUpAll();
    expect(devices(logs.bob!)).toEqual(['alice/a1', 'bob/b1']);
    await logs.alice!.say('two of us now');
    await logs.bob!.catchUp();
    expect(logs.bob!.texts.at(-1)).toBe('two of us now');
  });

  it('never lets a commit or an encrypted message be edited, nor a commit be deleted', async () => {
    const page = await alice.request('messages:history', { conversationId: groupId, limit: 100 });
    const commit = page.messages.find((m) => m.sender === 'alice' && m.contentType === 'application/mls-commit')!;
    const secret = page.messages.find((m) => m.sender === 'alice' && m.contentType === 'application/mls-private')!;
    const edit = (messageId: string, contentType: string) => alice.raw('messages:edit', { messageId, contentType, body: Buffer.from('x') });
    expect(code(await edit(commit.id, 'text/plain'))).toBe('FORBIDDEN');
    expect(code(await edit(secret.id, 'text/plain'))).toBe('FORBIDDEN');
    expect(code(await edit(secret.id, 'application/mls-private'))).toBe('VALIDATION_FAILED');
    expect(code(await alice.raw('messages:delete', { messageId: commit.id }))).toBe('FORBIDDEN');
    expect(code(await alice.raw('messages:delete', { messageId: secret.id }))).toBeUndefined();
    // Reserved MLS content types and misplaced MLS fields are refused by the schema.
    const send = (payload: Record<string, unknown>) =>
      alice.raw('messages:send', { conversationId: groupId, clientKey: newClientKey(), contentType: 'text/plain', body: Buffer.from('x'), ...payload });
    expect(code(await send({ contentType: 'application/mls-welcome' }))).toBe('VALIDATION_FAILED');
    expect(code(await send({ groupInfo: Buffer.from('x') }))).toBe('VALIDATION_FAILED');
    expect(code(await send({ contentType: 'application/mls-commit' }))).toBe('VALIDATION_FAILED');
    expect(code(await send({ contentType: 'application/mls-private', body: Buffer.from('not mls') }))).toBe('VALIDATION_FAILED');
  });
});
