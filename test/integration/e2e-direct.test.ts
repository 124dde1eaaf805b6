import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLS_PRIVATE } from '../../src/protocol/e2e.js';
import { MemoryDirectory, MlsDevice, decodeDeviceCertificate } from '../../src/sdk/crypto/index.js';
import { dialect } from '../support/env.js';
import { addDevice, b64, e2eUser, LogReader, newClientKey, sendCommit, type E2eUser } from '../support/mls.js';
import { databaseBytes as readDatabase } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, eventually } from '../support/users.js';

const CANARY = 'canary-7f3a9c-plaintext-must-not-be-stored';
const code = (answer: unknown) => (answer as { error?: { code?: string } }).error?.code;

describe(`end-to-end encrypted direct conversation (${dialect})`, () => {
  let t: TestServer;
  let alice: E2eUser;
  let bob: E2eUser;
  let mallory: E2eUser;
  let a1: MlsDevice;
  let b1: MlsDevice;
  let conversationId: string;
  let aliceLog: LogReader;
  let bobLog: LogReader;

  const databaseBytes = () => readDatabase(t.db);

  beforeAll(async () => {
    t = await startTestServer({ env: { LOG_LEVEL: 'trace' } });
    [alice, bob, mallory] = await Promise.all([e2eUser(t, 'alice'), e2eUser(t, 'bob'), e2eUser(t, 'mallory')]);
    await befriend(alice.client, bob.client);
    a1 = await addDevice(alice, 'a1');
    b1 = await addDevice(bob, 'b1');
    conversationId = (await alice.client.conversations.openDirect('bob')).id;
  });
  afterAll(async () => {
    for (const u of [alice, bob, mallory]) u?.client.close();
    await t?.close();
  });

  it('sets up the group: epoch-0 GroupInfo once, then a commit whose Welcome reaches only bob\'s device', async () => {
    const group = await a1.createConversation(conversationId);
    const init = await alice.request('mls:init', { conversationId, groupInfo: await group.groupInfo() });
    expect(init).toEqual({ conversationId, epoch: 0, seq: 0 });
    const second = await b1.createConversation(conversationId);
    expect(code(await bob.raw('mls:init', { conversationId, groupInfo: Buffer.from(await second.groupInfo()) }))).toBe('CONFLICT');
    aliceLog = new LogReader(alice, group, init.seq);

    const claimed = await alice.request('keyPackages:claim', { usernames: ['bob'] });
    expect(claimed.keyPackages.map((k) => [k.deviceId, k.lastResort])).toEqual([['b1', false]]);
    const pending = await group.addMembers(claimed.keyPackages.map((k) => k.body));
    expect(pending.welcomeKeyPackageRefs.map(b64)).toEqual([claimed.keyPackages[0]!.ref]);
    // Without its Welcome, the add is refused; nothing moved.
    expect(code(await alice.raw('messages:send', {
      conversationId, clientKey: newClientKey(), contentType: 'application/mls-commit', body: Buffer.from(pending.commit), groupInfo: Buffer.from(pending.groupInfo),
    }))).toBe('VALIDATION_FAILED');
    const commit = await aliceLog.commit(pending);
    expect(commit).toMatchObject({ seq: 1, sender: 'alice', contentType: 'application/mls-commit' });
    expect((await alice.request('mls:groupInfo', { conversationId })).epoch).toBe(1);

    await eventually(() => bob.welcomes.length === 1, 5_000, 'welcome event');
    const [welcome] = (await bob.request('mls:welcomes', { deviceId: 'b1' })).welcomes;
    expect(welcome).toMatchObject({ conversationId, deviceId: 'b1', epoch: 1, commitSeq: 1, keyPackageRef: claimed.keyPackages[0]!.ref });
    expect(alice.welcomes).toHaveLength(0);
    const joined = await b1.joinWelcome(welcome!.body, conversationId);
    await bob.request('mls:ackWelcomes', { deviceId: 'b1', ids: [welcome!.id] });
    expect((await bob.request('mls:welcomes', { deviceId: 'b1' })).welcomes).toHaveLength(0);
    bobLog = new LogReader(bob, joined, welcome!.commitSeq);
    expect(b64(joined.epochAuthenticator())).toBe(b64(group.epochAuthenticator()));
  });

  it('relays ciphertext only: bob reads the canary, which appears nowhere in the database or the logs', async () => {
    await aliceLog.say(CANARY);
    await bobLog.say('got it');
    await bobLog.catchUp();
    await aliceLog.catchUp();
    expect(bobLog.texts).toEqual([CANARY]);
    expect(aliceLog.texts).toEqual(['got it']);
    const stored = (await bob.request('messages:history', { conversationId })).messages.filter((m) => m.contentType === MLS_PRIVATE);
    expect(stored).toHaveLength(2);

    const db = await databaseBytes();
    const logs = Buffer.from(t.logs.lines.join('\n'));
    const raw = Buffer.from(CANARY);
    for (const form of [raw, Buffer.from(raw.toString('hex')), Buffer.from(raw.toString('base64').slice(0, 24)), Buffer.from(CANARY, 'utf16le')]) {
      expect(db.includes(form)).toBe(false);
      expect(logs.includes(form)).toBe(false);
    }
    // The check can see bodies at all: a plaintext message (still allowed for older clients) is found.
    await alice.client.messages.send(conversationId, 'plain-marker-5521');
    expect((await databaseBytes()).includes(t.db.postgresUrl ? Buffer.from(Buffer.from('plain-marker-5521').toString('hex')) : Buffer.from('plain-marker-5521'))).toBe(true);
  });

  it('accepts the first commit of an epoch; the other gets STALE_EPOCH, catches up from the log and retries', async () => {
    await aliceLog.catchUp();
    await bobLog.catchUp();
    const [fromAlice, fromBob] = await Promise.all([aliceLog.conversation.updateKeys(), bobLog.conversation.updateKeys()]);
    expect(fromAlice.epoch).toBe(fromBob.epoch);
    const results = await Promise.allSettled([sendCommit(alice, conversationId, fromAlice), sendCommit(bob, conversationId, fromBob)]);
    const won = results.findIndex((r) => r.status === 'fulfilled');
    const lost = results.findIndex((r) => r.status === 'rejected');
    expect([won, lost].sort()).toEqual([0, 1]);
    expect((results[lost] as PromiseRejectedResult).reason).toMatchObject({ code: 'STALE_EPOCH' });
    const [winner, loser] = won === 0 ? [aliceLog, bobLog] : [bobLog, aliceLog];
    await winner.conversation.confirmCommit();

    // The loser's application message in the old epoch is refused too, until it has caught up.
    loser.conversation.discardCommit();
    const late = await loser.conversation.encrypt('too late');
    expect(code(await loser.user.raw('messages:send', { conversationId, clientKey: newClientKey(), contentType: MLS_PRIVATE, body: Buffer.from(late) }))).toBe('STALE_EPOCH');

    await loser.catchUp();
    await loser.commit(await loser.conversation.updateKeys());
    await winner.catchUp();
    expect(winner.conversation.epoch).toBe(loser.conversation.epoch);
    expect(b64(winner.conversation.epochAuthenticator())).toBe(b64(loser.conversation.epochAuthenticator()));
    await loser.say('after the race');
    await winner.catchUp();
    expect(winner.texts.at(-1)).toBe('after the race');
    expect((await alice.request('mls:groupInfo', { conversationId })).epoch).toBe(Number(winner.conversation.epoch));
  });

  it('serves the GroupInfo to members only: a non-member gets exactly the answer for a random id', async () => {
    const hidden = await mallory.raw('mls:groupInfo', { conversationId });
    const random = await mallory.raw('mls:groupInfo', { conversationId: crypto.randomUUID() });
    expect(code(hidden)).toBe('NOT_FOUND');
    expect(hidden).toEqual(random);
  });

  it('accepts an external join by a new device of a member, and refuses it from anyone else', async () => {
    const { groupInfo } = await bob.request('mls:groupInfo', { conversationId });

    // Mallory, not a member, builds a valid external commit (her directory trusts everyone) and is refused.
    const everyone = new MemoryDirectory();
    for (const u of [alice, bob, mallory]) everyone.setIdentityKey(u.username, u.identity.publicKey);
    for (const u of [alice, bob]) {
      for (const d of (await alice.request('directory:lookup', { username: u.username })).devices) everyone.addCertificate(decodeDeviceCertificate(d.certificate));
    }
    const m1 = await addDevice(mallory, 'm1', 0);
    everyone.addCertificate(m1.certificate);
    const intruder = MlsDevice.restore(m1.serialize(), { directory: everyone });
    const attempt = await intruder.joinExternal(groupInfo, conversationId);
    const tried = await mallory.raw('messages:send', {
      conversationId, clientKey: newClientKey(), contentType: 'application/mls-commit',
      body: Buffer.from(attempt.commit), groupInfo: Buffer.from(await attempt.conversation.groupInfo()),
    });
    expect(code(tried)).toBe('NOT_FOUND');

    // Bob's new device, sent from alice's session, is refused: a joiner must be the session's own user.
    const b2 = await addDevice(bob, 'b2', 0);
    const join = await b2.joinExternal(groupInfo, conversationId);
    const joinGroupInfo = await join.conversation.groupInfo();
    const wrongSession = await alice.raw('messages:send', {
      conversationId, clientKey: newClientKey(), contentType: 'application/mls-commit', body: Buffer.from(join.commit), groupInfo: Buffer.from(joinGroupInfo),
    });
    expect(wrongSession).toMatchObject({ error: { code: 'FORBIDDEN', message: 'You can join only with a device of your own.' } });

    // From bob's own session it is accepted; alice processes it and b2 reads what alice says next.
    const accepted = await sendCommit(bob, conversationId, { commit: join.commit, groupInfo: joinGroupInfo });
    const b2Log = new LogReader(bob, join.conversation, accepted.message.seq);
    await aliceLog.catchUp();
    expect(aliceLog.conversation.members().map((m) => `${m.username}/${m.deviceId}`).sort()).toEqual(['alice/a1', 'bob/b1', 'bob/b2']);
    await aliceLog.say('hello three devices');
    await b2Log.catchUp();
    expect(b2Log.texts).toEqual(['hello three devices']);
  });
});
