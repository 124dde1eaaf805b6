import { describe, expect, it } from 'vitest';
import {
  MemoryDirectory,
  MlsDevice,
  generateIdentityKeyPair,
  inspectMlsMessage,
  isMlsCryptoError,
  keyPackageRef,
  type IdentityKeyPair,
  type MlsDeviceOptions,
} from '../../src/sdk/crypto/index.js';

interface User {
  identity: IdentityKeyPair;
  device(deviceId: string, options?: Partial<MlsDeviceOptions>): MlsDevice;
}

function world() {
  const directory = new MemoryDirectory();
  const user = (username: string): User => {
    const identity = generateIdentityKeyPair();
    directory.setIdentityKey(username, identity.publicKey);
    return {
      identity,
      device(deviceId, options = {}) {
        const device = MlsDevice.create(identity, { username, deviceId }, { directory, ...options });
        directory.addCertificate(device.certificate);
        return device;
      },
    };
  };
  return { directory, user };
}

async function keyPackage(device: MlsDevice): Promise<Uint8Array> {
  const [kp] = await device.generateKeyPackages(1, { lastResort: false });
  return kp!.keyPackage;
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isMlsCryptoError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
}

describe('MLS conversations', () => {
  it('alice and bob (two devices) chat both ways in a 2-member group', async () => {
    const w = world();
    const alice = w.user('alice').device('a1');
    const bob = w.user('bob');
    const bob1 = bob.device('b1');
    const bob2 = bob.device('b2');

    const aliceConv = await alice.createConversation('conv-1');
    const added = await aliceConv.addMembers([await keyPackage(bob1), await keyPackage(bob2)]);
    expect(added.epoch).toBe(0n);
    expect(added.welcomeKeyPackageRefs).toHaveLength(2);
    await aliceConv.confirmCommit();
    const b1 = await bob1.joinWelcome(added.welcome!, 'conv-1');
    const b2 = await bob2.joinWelcome(added.welcome!, 'conv-1');

    expect(aliceConv.epoch).toBe(1n);
    expect(b1.members().map((m) => `${m.username}/${m.deviceId}`).sort()).toEqual(['alice/a1', 'bob/b1', 'bob/b2']);
    expect(b1.epochAuthenticator()).toEqual(aliceConv.epochAuthenticator());

    const hello = await aliceConv.encrypt('hello bob');
    expect(inspectMlsMessage(hello)).toMatchObject({ type: 'application', conversationId: 'conv-1', epoch: 1n });
    const atB1 = await b1.decrypt(hello);
    expect(atB1).toEqual({ text: 'hello bob', sender: { username: 'alice', deviceId: 'a1' }, epoch: 1n });
    expect((await b2.decrypt(hello)).text).toBe('hello bob');

    const reply = await b2.encrypt('hi alice, from my phone');
    const atAlice = await aliceConv.decrypt(reply);
    expect(atAlice.text).toBe('hi alice, from my phone');
    expect(atAlice.sender).toEqual({ username: 'bob', deviceId: 'b2' });
    expect((await b1.decrypt(reply)).sender.deviceId).toBe('b2');
    await expect(aliceConv.decrypt(reply)).rejects.toThrow(); // a replay does not decrypt twice

    // bob removes his phone (one device), never himself
    await expectCode(b1.removeMembers([{ username: 'bob' }]), 'INVALID_MESSAGE');
    await expectCode(b1.addMembers([new Uint8Array([1, 2, 3])]), 'INVALID_MESSAGE');
    const drop = await b1.removeMembers([{ username: 'bob', deviceId: 'b2' }]);
    await b1.confirmCommit();
    expect(await aliceConv.processHandshake(drop.commit)).toMatchObject({
      committer: { username: 'bob', deviceId: 'b1' },
      removed: [{ username: 'bob', deviceId: 'b2' }],
    });
    expect(await b2.processHandshake(drop.commit)).toMatchObject({ removedSelf: true });
    expect(aliceConv.members().map((m) => m.deviceId)).toEqual(['a1', 'b1']);
  });

  it('a flipped byte anywhere in a message makes decrypt throw a typed error, never text', async () => {
    const w = world();
    const alice = w.user('alice').device('a1');
    const bob = w.user('bob').device('b1');
    const a = await alice.createConversation('conv-flip');
    const add = await a.addMembers([await keyPackage(bob)]);
    await a.confirmCommit();
    const b = await bob.joinWelcome(add.welcome!);

    const ciphertext = await a.encrypt('secret canary 7c1f');
    const positions = [ciphertext.length - 1, ciphertext.length - 20, Math.floor(ciphertext.length / 2), 30, 12];
    for (const position of positions) {
      const tampered = ciphertext.slice();
      tampered[position]! ^= 0x01;
      const error: unknown = await b.decrypt(tampered).then(
        (m) => m,
        (e: unknown) => e,
      );
      expect(isMlsCryptoError(error), `byte ${position}`).toBe(true);
      expect(JSON.stringify(error)).not.toContain('canary');
    }
    const last = ciphertext.slice();
    last[last.length - 1]! ^= 0x80;
    await expectCode(b.decrypt(last), 'DECRYPT_FAILED');
    // the intact message still decrypts afterwards: a failure does not corrupt the state
    expect((await b.decrypt(ciphertext)).text).toBe('secret canary 7c1f');
  });

  it('a removed member cannot decrypt messages of the new epoch', async () => {
    const w = world();
    const alice = w.user('alice').device('a1');
    const bob = w.user('bob').device('b1');
    const carol = w.user('carol').device('c1');
    const a = await alice.createConversation('conv-rm');
    const add = await a.addMembers([await keyPackage(bob), await keyPackage(carol)]);
    await a.confirmCommit();
    const b = await bob.joinWelcome(add.welcome!);
    const c = await carol.joinWelcome(add.welcome!);
    const carolSnapshot = c.serialize();

    const before = await a.encrypt('before removal');
    expect((await c.decrypt(before)).text).toBe('before removal');

    const remove = await a.removeMembers([{ username: 'carol' }]);
    await a.confirmCommit();
    const atBob = await b.processHandshake(remove.commit);
    expect(atBob).toMatchObject({ kind: 'commit', removed: [{ username: 'carol', deviceId: 'c1' }], removedSelf: false });
    const atCarol = await c.processHandshake(remove.commit);
    expect(atCarol).toMatchObject({ kind: 'commit', removedSelf: true });
    expect(c.active).toBe(false);

    const after = await a.encrypt('after removal');
    expect((await b.decrypt(after)).text).toBe('after removal');
    await expectCode(c.decrypt(after), 'NOT_A_MEMBER');
    await expectCode(c.encrypt('still here?'), 'NOT_A_MEMBER');
    // carol's state from before the removal (e.g. a stored copy) is no better: it has no key for the new epoch
    const restored = await carol.restoreConversation(carolSnapshot);
    await expectCode(restored.decrypt(after), 'FUTURE_EPOCH');
    await expectCode(restored.processHandshake(remove.commit).then(() => restored.decrypt(after)), 'NOT_A_MEMBER');
  });

  it('a member leaves by proposal; the next commit applies it and members must commit before sending', async () => {
    const w = world();
    const alice = w.user('alice').device('a1');
    const bob = w.user('bob').device('b1');
    const carol = w.user('carol').device('c1');
    const a = await alice.createConversation('conv-leave');
    const add = await a.addMembers([await keyPackage(bob), await keyPackage(carol)]);
    await a.confirmCommit();
    const b = await bob.joinWelcome(add.welcome!);
    const c = await carol.joinWelcome(add.welcome!);

    const leave = await c.proposeLeave();
    expect(inspectMlsMessage(leave)).toMatchObject({ type: 'proposal', epoch: 1n, sender: { type: 'member', leafIndex: 2 }, removedLeaves: [2] });
    expect(await a.processHandshake(leave)).toEqual({ kind: 'proposal', epoch: 1n });
    expect(await b.processHandshake(leave)).toEqual({ kind: 'proposal', epoch: 1n });
    await expectCode(a.encrypt('not yet'), 'PENDING_COMMIT');

    const commit = await b.updateKeys(); // includes carol's proposal by reference
    expect(inspectMlsMessage(commit.commit)).toMatchObject({ type: 'commit', referencedProposals: 1 });
    await b.confirmCommit();
    expect(await a.processHandshake(commit.commit)).toMatchObject({ removed: [{ username: 'carol', deviceId: 'c1' }] });
    expect(await c.processHandshake(commit.commit)).toMatchObject({ removedSelf: true });
    expect(a.members().map((m) => m.username)).toEqual(['alice', 'bob']);
    expect((await b.decrypt(await a.encrypt('just us'))).text).toBe('just us');
  });

  it('forward secrecy: after a commit, a device that keeps no past epochs cannot decrypt the deleted epoch', async () => {
    const w = world();
    const alice = w.user('alice').device('a1', { retainPastEpochs: 0 });
    const bob = w.user('bob').device('b1', { retainPastEpochs: 0 });
    const lenient = w.user('lenient').device('l1', { retainPastEpochs: 1 });
    const a = await alice.createConversation('conv-fs');
    const add = await a.addMembers([await keyPackage(bob), await keyPackage(lenient)]);
    await a.confirmCommit();
    const b = await bob.joinWelcome(add.welcome!);
    const l = await lenient.joinWelcome(add.welcome!);

    const late = await b.encrypt('sent in epoch 1, read after epoch 2');
    const update = await b.updateKeys();
    await b.confirmCommit();
    await a.processHandshake(update.commit);
    await l.processHandshake(update.commit);
    expect(a.epoch).toBe(2n);

    await expectCode(a.decrypt(late), 'EPOCH_UNAVAILABLE');
    const stored = await alice.restoreConversation(a.serialize());
    await expectCode(stored.decrypt(late), 'EPOCH_UNAVAILABLE');
    // the same message is readable by a device that keeps one past epoch: the check above has teeth
    expect((await l.decrypt(late)).text).toBe('sent in epoch 1, read after epoch 2');
    // and the current epoch works for everyone
    expect((await b.decrypt(await a.encrypt('epoch 2'))).text).toBe('epoch 2');
  });

  it('a new device of a member joins by external commit from the GroupInfo', async () => {
    const w = world();
    const alice = w.user('alice').device('a1');
    const bob = w.user('bob');
    const bob1 = bob.device('b1');
    const a = await alice.createConversation('conv-ext');
    const add = await a.addMembers([await keyPackage(bob1)]);
    await a.confirmCommit();
    const b1 = await bob1.joinWelcome(add.welcome!);

    const bob3 = bob.device('b3');
    const { conversation: b3, commit } = await bob3.joinExternal(add.groupInfo, 'conv-ext');
    expect(inspectMlsMessage(commit)).toMatchObject({ type: 'commit', epoch: 1n, sender: { type: 'new_member_commit' } });
    for (const c of [a, b1]) {
      const outcome = await c.processHandshake(commit);
      expect(outcome).toMatchObject({ kind: 'commit', epoch: 2n, added: [{ username: 'bob', deviceId: 'b3' }] });
    }
    expect(b3.epochAuthenticator()).toEqual(a.epochAuthenticator());
    expect((await a.decrypt(await b3.encrypt('new phone who dis'))).text).toBe('new phone who dis');
    expect((await b3.decrypt(await a.encrypt('welcome, b3'))).text).toBe('welcome, b3');
    expect((await b1.decrypt(await b3.encrypt('hi me'))).sender.deviceId).toBe('b3');

    await expectCode(bob3.joinExternal(add.groupInfo, 'another-conversation'), 'INVALID_MESSAGE');
    const stranger = w.user('stranger').device('s1');
    const gi = await a.groupInfo();
    const intruder = await stranger.joinExternal(gi, 'conv-ext');
    await expectCode(a.processHandshake(intruder.commit), 'POLICY_REJECTED');
    expect(a.epoch).toBe(2n);
  });

  it('KeyPackages: one-time ones are consumed, the last-resort one is reused, refs match the server view', async () => {
    const w = world();
    const alice = w.user('alice').device('a1');
    const bob = w.user('bob').device('b1');
    const published = await bob.generateKeyPackages(3);
    expect(published.map((p) => p.lastResort)).toEqual([false, false, false, true]);
    for (const p of published) {
      expect(await keyPackageRef(p.keyPackage)).toEqual(p.ref);
      expect(inspectMlsMessage(p.keyPackage)).toEqual({ type: 'key_package', device: { username: 'bob', deviceId: 'b1' }, lastResort: p.lastResort });
    }
    const restoredBob = MlsDevice.restore(bob.serialize(), { directory: w.directory });

    const one = await alice.createConversation('kp-1');
    const c1 = await one.addMembers([published[0]!.keyPackage]);
    expect(c1.welcomeKeyPackageRefs).toEqual([published[0]!.ref]);
    expect(inspectMlsMessage(c1.welcome!)).toEqual({ type: 'welcome', keyPackageRefs: [published[0]!.ref] });
    await one.confirmCommit();
    await restoredBob.joinWelcome(c1.welcome!);
    await expectCode(restoredBob.joinWelcome(c1.welcome!), 'NO_KEY_PACKAGE');

    for (const id of ['kp-2', 'kp-3']) {
      const conv = await alice.createConversation(id);
      const c = await conv.addMembers([published[3]!.keyPackage]);
      await conv.confirmCommit();
      const joined = await restoredBob.joinWelcome(c.welcome!, id);
      expect((await joined.decrypt(await conv.encrypt(`in ${id}`))).text).toBe(`in ${id}`);
    }
  });

  it('group state survives serialize/restore and the restored state keeps chatting', async () => {
    const w = world();
    const alice = w.user('alice').device('a1');
    const bob = w.user('bob').device('b1');
    const a = await alice.createConversation('conv-store');
    const add = await a.addMembers([await keyPackage(bob)]);
    await a.confirmCommit();
    const b = await bob.joinWelcome(add.welcome!);
    await b.decrypt(await a.encrypt('one'));

    const bytes = b.serialize();
    const b2 = await bob.restoreConversation(bytes);
    expect(b2.conversationId).toBe('conv-store');
    expect((await b2.decrypt(await a.encrypt('two'))).text).toBe('two');
    expect((await a.decrypt(await b2.encrypt('three'))).text).toBe('three');
    await expectCode(alice.restoreConversation(bytes), 'INVALID_MESSAGE'); // bob's state is not alice's
    const flipped = bytes.slice();
    flipped[3]! ^= 0xff;
    await expect(bob.restoreConversation(flipped)).rejects.toSatisfy(isMlsCryptoError);
  });
});
