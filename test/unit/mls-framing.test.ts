import { describe, expect, it } from 'vitest';
import {
  MemoryDirectory,
  MlsDevice,
  generateIdentityKeyPair,
  inspectMlsMessage,
  verifyHandshakeSignature,
} from '../../src/sdk/crypto/index.js';

function devices(...usernames: string[]): MlsDevice[] {
  const directory = new MemoryDirectory();
  return usernames.map((username) => {
    const identity = generateIdentityKeyPair();
    directory.setIdentityKey(username, identity.publicKey);
    const device = MlsDevice.create(identity, { username, deviceId: 'd1' }, { directory });
    directory.addCertificate(device.certificate);
    return device;
  });
}

async function keyPackage(device: MlsDevice): Promise<Uint8Array> {
  const [kp] = await device.generateKeyPackages(1, { lastResort: false });
  return kp!.keyPackage;
}

describe('what the server can read (framing only)', () => {
  it('decodes commits, GroupInfo and application framing, and checks commit signatures with public data', async () => {
    const [alice, bob, carol] = devices('alice', 'bob', 'carol') as [MlsDevice, MlsDevice, MlsDevice];
    const a = await alice.createConversation('frame');
    const epoch0 = await a.groupInfo(); // uploaded when the conversation is created
    expect(inspectMlsMessage(epoch0)).toMatchObject({ type: 'group_info', conversationId: 'frame', epoch: 0n, members: [{ username: 'alice', leafIndex: 0 }] });

    const add = await a.addMembers([await keyPackage(bob), await keyPackage(carol)]);
    expect(inspectMlsMessage(add.commit)).toEqual({
      type: 'commit',
      conversationId: 'frame',
      epoch: 0n,
      sender: { type: 'member', leafIndex: 0 },
      added: [{ username: 'bob', deviceId: 'd1' }, { username: 'carol', deviceId: 'd1' }],
      removedLeaves: [],
      referencedProposals: 0,
      otherProposals: [],
      joiner: undefined,
    });
    expect(await verifyHandshakeSignature(add.commit, epoch0)).toBe(true);
    await a.confirmCommit();
    const b = await bob.joinWelcome(add.welcome!);
    await carol.joinWelcome(add.welcome!);
    const gi1 = inspectMlsMessage(add.groupInfo);
    expect(gi1).toMatchObject({ type: 'group_info', epoch: 1n });
    expect(gi1.type === 'group_info' && gi1.members.map((m) => `${m.leafIndex}:${m.username}`)).toEqual(['0:alice', '1:bob', '2:carol']);

    const remove = await b.removeMembers([{ username: 'carol' }]);
    expect(inspectMlsMessage(remove.commit)).toMatchObject({ type: 'commit', epoch: 1n, sender: { type: 'member', leafIndex: 1 }, removedLeaves: [2] });
    expect(await verifyHandshakeSignature(remove.commit, add.groupInfo)).toBe(true);
    expect(await verifyHandshakeSignature(remove.commit, epoch0)).toBe(false); // wrong epoch
    const tampered = remove.commit.slice();
    tampered[Math.floor(tampered.length / 3)]! ^= 1; // inside the signed content (the last bytes are the membership tag)
    expect(await verifyHandshakeSignature(tampered, add.groupInfo)).toBe(false);
    const otherGroup = await (await alice.createConversation('other')).groupInfo();
    expect(await verifyHandshakeSignature(remove.commit, otherGroup)).toBe(false);

    b.discardCommit();
    const message = await b.encrypt('opaque to the server');
    const framing = inspectMlsMessage(message);
    expect(framing).toEqual({ type: 'application', conversationId: 'frame', epoch: 1n });
    expect(Buffer.from(message).includes(Buffer.from('opaque'))).toBe(false);
    expect(() => inspectMlsMessage(new Uint8Array([0, 1, 0, 9]))).toThrow(/inspectMlsMessage/);
  });
});
