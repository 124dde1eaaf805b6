import { describe, expect, it } from 'vitest';
import {
  MemoryDirectory,
  MlsDevice,
  generateIdentityKeyPair,
  inspectMlsMessage,
  isMlsCryptoError,
  type MlsConversation,
} from '../../src/sdk/crypto/index.js';

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isMlsCryptoError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
}

function devices(...usernames: string[]): MlsDevice[] {
  const directory = new MemoryDirectory();
  return usernames.map((username) => {
    const identity = generateIdentityKeyPair();
    directory.setIdentityKey(username, identity.publicKey);
    const device = MlsDevice.create(identity, { username, deviceId: `${username}-1` }, { directory });
    directory.addCertificate(device.certificate);
    return device;
  });
}

async function keyPackage(device: MlsDevice): Promise<Uint8Array> {
  const [kp] = await device.generateKeyPackages(1, { lastResort: false });
  return kp!.keyPackage;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function fingerprint(c: MlsConversation): Promise<string> {
  return `${c.epoch}:${hex(c.epochAuthenticator())}:${hex(await c.exportSecret('parley/test', new Uint8Array(0), 32))}`;
}

describe('concurrent commits', () => {
  it('two members commit in the same epoch: the first applied wins, the loser catches up and retries, no fork', async () => {
    const [alice, bob, carol, dave, erin] = devices('alice', 'bob', 'carol', 'dave', 'erin') as [MlsDevice, MlsDevice, MlsDevice, MlsDevice, MlsDevice];
    const a = await alice.createConversation('race');
    const setup = await a.addMembers([await keyPackage(bob), await keyPackage(carol)]);
    await a.confirmCommit();
    const b = await bob.joinWelcome(setup.welcome!);
    const c = await carol.joinWelcome(setup.welcome!);

    // both commit at epoch 1
    const erinKp = await keyPackage(erin);
    const fromAlice = await a.addMembers([await keyPackage(dave)]);
    const fromBob = await b.addMembers([erinKp]);
    expect([fromAlice.epoch, fromBob.epoch]).toEqual([1n, 1n]);
    expect(inspectMlsMessage(fromAlice.commit)).toMatchObject({ type: 'commit', epoch: 1n, sender: { type: 'member', leafIndex: 0 } });
    expect(inspectMlsMessage(fromBob.commit)).toMatchObject({ type: 'commit', epoch: 1n, added: [{ username: 'erin' }] });
    await expectCode(a.encrypt('while pending'), 'PENDING_COMMIT');

    // the server's log takes alice's commit first; alice sees it echoed back, which confirms it
    const echo = await a.processHandshake(fromAlice.commit);
    expect(echo).toMatchObject({ kind: 'commit', own: true, epoch: 2n, added: [{ username: 'dave' }] });
    expect(await c.processHandshake(fromAlice.commit)).toMatchObject({ epoch: 2n, supersededPendingCommit: false });
    const d = await dave.joinWelcome(fromAlice.welcome!);

    // bob's commit for epoch 1 is stale for everyone who applied the winner
    await expectCode(c.processHandshake(fromBob.commit), 'STALE_COMMIT');
    await expectCode(a.processHandshake(fromBob.commit), 'STALE_COMMIT');
    await expectCode(d.processHandshake(fromBob.commit), 'STALE_COMMIT');
    // the loser's Welcome describes an epoch that never happened: the server must not route it (if it did, the
    // joiner would sit alone in a phantom epoch, not in the real group)
    const phantom = await erin.joinWelcome(fromBob.welcome!);
    expect(hex(phantom.epochAuthenticator())).not.toBe(hex(c.epochAuthenticator()));

    // bob processes the winner: his pending commit is dropped, he is at epoch 2
    expect(await b.processHandshake(fromAlice.commit)).toMatchObject({ kind: 'commit', supersededPendingCommit: true, epoch: 2n });
    expect(b.hasPendingCommit).toBe(false);

    // bob re-proposes and commits again, now at epoch 2, with a fresh KeyPackage of erin's
    const retry = await b.addMembers([await keyPackage(erin)]);
    expect(retry.epoch).toBe(2n);
    await b.confirmCommit();
    for (const conv of [a, c, d]) await conv.processHandshake(retry.commit);
    const e = await erin.joinWelcome(retry.welcome!);

    const prints = await Promise.all([a, b, c, d, e].map(fingerprint));
    expect(new Set(prints).size).toBe(1);
    expect(prints[0]!.startsWith('3:')).toBe(true);
    expect(a.members()).toHaveLength(5);

    const hello = await e.encrypt('hi all, from erin');
    for (const conv of [a, b, c, d]) expect((await conv.decrypt(hello)).text).toBe('hi all, from erin');
  });

  it('a message sent just before a commit is still readable with the default one-epoch retention', async () => {
    const [alice, bob] = devices('alice', 'bob') as [MlsDevice, MlsDevice];
    const a = await alice.createConversation('late');
    const add = await a.addMembers([await keyPackage(bob)]);
    await a.confirmCommit();
    const b = await bob.joinWelcome(add.welcome!);
    const early = await b.encrypt('sent at epoch 1');
    const update = await a.updateKeys();
    await a.confirmCommit();
    await b.processHandshake(update.commit);
    expect((await a.decrypt(early)).text).toBe('sent at epoch 1');
    await expectCode(b.processHandshake(update.commit), 'STALE_COMMIT');
    await expectCode(b.processHandshake(new Uint8Array([0, 1, 2])), 'INVALID_MESSAGE');
    const future = await a.updateKeys();
    await a.confirmCommit();
    const next = await a.updateKeys();
    await a.confirmCommit();
    await expectCode(b.processHandshake(next.commit), 'FUTURE_EPOCH');
    await b.processHandshake(future.commit);
    await b.processHandshake(next.commit);
    expect(b.epochAuthenticator()).toEqual(a.epochAuthenticator());
  });

  it('a device that lost track of the group resyncs by external join, keeping its single leaf', async () => {
    const [alice, bob, carol] = devices('alice', 'bob', 'carol') as [MlsDevice, MlsDevice, MlsDevice];
    const a = await alice.createConversation('resync');
    const add = await a.addMembers([await keyPackage(bob), await keyPackage(carol)]);
    await a.confirmCommit();
    const b = await bob.joinWelcome(add.welcome!);
    const c = await carol.joinWelcome(add.welcome!);
    const missed = await a.updateKeys(); // bob never gets this one
    await a.confirmCommit();
    await c.processHandshake(missed.commit);
    await expectCode(b.processHandshake((await a.updateKeys()).commit), 'FUTURE_EPOCH');
    a.discardCommit();

    const { conversation: b2, commit } = await bob.joinExternal(missed.groupInfo, 'resync', { resync: true });
    for (const conv of [a, c]) {
      expect(await conv.processHandshake(commit)).toMatchObject({ kind: 'commit', added: [], removed: [], committer: { username: 'bob' } });
    }
    expect(a.members()).toHaveLength(3);
    expect(await fingerprint(b2)).toBe(await fingerprint(a));
    expect((await b2.decrypt(await a.encrypt('back in sync'))).text).toBe('back in sync');
    expect((await c.decrypt(await b2.encrypt('yes'))).sender).toEqual({ username: 'bob', deviceId: 'bob-1' });
  });

  it('concurrent encrypt calls on one conversation never reuse a ratchet step', async () => {
    const [alice, bob] = devices('alice', 'bob') as [MlsDevice, MlsDevice];
    const a = await alice.createConversation('parallel');
    const add = await a.addMembers([await keyPackage(bob)]);
    await a.confirmCommit();
    const b = await bob.joinWelcome(add.welcome!);
    const sent = await Promise.all(Array.from({ length: 8 }, (_, i) => a.encrypt(`m${i}`)));
    const texts = [];
    for (const m of sent) texts.push((await b.decrypt(m)).text);
    expect(texts).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
  });
});
