import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryDirectory, MlsDevice, generateIdentityKeyPair, isMlsCryptoError, type DeviceDirectory } from '../../src/sdk/crypto/index.js';

/** A directory that can go down, as the server's does while it restarts. */
class FlakyDirectory implements DeviceDirectory {
  down = false;
  constructor(private readonly inner: MemoryDirectory) {}
  identityKey(username: string) {
    return this.down ? Promise.reject(new Error('server unreachable')) : this.inner.identityKey(username);
  }
  deviceCertificate(username: string, deviceId: string) {
    return this.down ? Promise.reject(new Error('server unreachable')) : this.inner.deviceCertificate(username, deviceId);
  }
}

function world() {
  const directory = new MemoryDirectory();
  const device = (username: string, deviceId: string, dir: DeviceDirectory = directory) => {
    const identity = generateIdentityKeyPair();
    directory.setIdentityKey(username, identity.publicKey);
    const d = MlsDevice.create(identity, { username, deviceId }, { directory: dir });
    directory.addCertificate(d.certificate);
    return d;
  };
  return { directory, device };
}

const keyPackage = async (d: MlsDevice) => (await d.generateKeyPackages(1, { lastResort: false }))[0]!.keyPackage;
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (isMlsCryptoError(e) ? e.code : String(e)),
  );
/** Lets any rejection left without a handler surface before the test looks. */
const settle = () => new Promise((r) => setTimeout(r, 50));

describe('a commit adding several devices while the directory is down', () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', record);
  });
  afterEach(() => {
    process.off('unhandledRejection', record);
  });

  it('received: one clean DIRECTORY_UNAVAILABLE, no unhandled rejection, and the same commit applies once it is back', async () => {
    const w = world();
    const alice = w.device('alice', 'a1');
    const flaky = new FlakyDirectory(w.directory);
    const bob = w.device('bob', 'b1', flaky);
    const carol1 = w.device('carol', 'c1');
    const conv = await alice.createConversation('c-outage');
    const first = await conv.addMembers([await keyPackage(bob)]);
    await conv.confirmCommit();
    const atBob = await bob.joinWelcome(first.welcome!, 'c-outage');
    const adds = await conv.addMembers([await keyPackage(carol1), await keyPackage(w.device('dave', 'd1'))]);
    await conv.confirmCommit();

    flaky.down = true;
    expect(await codeOf(atBob.processHandshake(adds.commit))).toBe('DIRECTORY_UNAVAILABLE');
    await settle();
    expect(unhandled).toEqual([]);
    expect(atBob.epoch).toBe(1n);

    flaky.down = false;
    expect(await atBob.processHandshake(adds.commit)).toMatchObject({ kind: 'commit', epoch: 2n });
    expect(atBob.members().map((m) => m.username).sort()).toEqual(['alice', 'bob', 'carol', 'dave']);
  });

  it('made: addMembers refuses cleanly, with no unhandled rejection and nothing pending, then works', async () => {
    const w = world();
    const flaky = new FlakyDirectory(w.directory);
    const alice = w.device('alice', 'a1', flaky);
    const conv = await alice.createConversation('c-outage-own');
    const packages = [await keyPackage(w.device('bob', 'b1')), await keyPackage(w.device('carol', 'c1'))];

    flaky.down = true;
    expect(await codeOf(conv.addMembers(packages))).toBe('DIRECTORY_UNAVAILABLE');
    await settle();
    expect(unhandled).toEqual([]);

    flaky.down = false;
    const added = await conv.addMembers(packages);
    expect(added.welcomeKeyPackageRefs).toHaveLength(2);
  });
});
