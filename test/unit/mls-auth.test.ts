import { createGroup, decodeMlsMessage, defaultAuthenticationService, encodeExternalSender, type ClientConfig } from 'ts-mls';
import { defaultClientConfig } from 'ts-mls/clientConfig.js';
import { describe, expect, it } from 'vitest';
import {
  DeviceAuthenticationService,
  MemoryDirectory,
  MlsDevice,
  certifyDevice,
  generateIdentityKeyPair,
  isMlsCryptoError,
  type DeviceDirectory,
} from '../../src/sdk/crypto/index.js';
import { deviceCredential } from '../../src/sdk/crypto/identity.js';
import { ciphersuite } from '../../src/sdk/crypto/suite.js';

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isMlsCryptoError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
}

async function keyPackage(device: MlsDevice): Promise<Uint8Array> {
  const [kp] = await device.generateKeyPackages(1, { lastResort: false });
  return kp!.keyPackage;
}

/**
 * Two views of the world. `honest` maps every user to their real identity key. `forged` is what a lying server (or a
 * compromised member's cache) shows: mallory's device certificate signed by a key that is NOT mallory's identity key.
 */
function worlds() {
  const honest = new MemoryDirectory();
  const forged = new MemoryDirectory();
  const user = (username: string) => {
    const identity = generateIdentityKeyPair();
    honest.setIdentityKey(username, identity.publicKey);
    forged.setIdentityKey(username, identity.publicKey);
    return (deviceId: string, directory: DeviceDirectory = honest) => {
      const device = MlsDevice.create(identity, { username, deviceId }, { directory });
      honest.addCertificate(device.certificate);
      forged.addCertificate(device.certificate);
      return device;
    };
  };
  const malloryIdentity = generateIdentityKeyPair();
  const wrongKey = generateIdentityKeyPair();
  honest.setIdentityKey('mallory', malloryIdentity.publicKey);
  forged.setIdentityKey('mallory', wrongKey.publicKey);
  // mallory's device is certified by the wrong key; only the forged view believes it
  const mallory = (directory: DeviceDirectory = forged) => {
    const device = MlsDevice.create(wrongKey, { username: 'mallory', deviceId: 'm1' }, { directory });
    honest.addCertificate(device.certificate);
    forged.addCertificate(device.certificate);
    return device;
  };
  return { honest, forged, user, mallory };
}

describe('authentication service', () => {
  it('never accepts what ts-mls accepts by default: a bare credential with no certificate', async () => {
    const directory = new MemoryDirectory();
    const as = new DeviceAuthenticationService(directory);
    const stranger = deviceCredential({ username: 'eve', deviceId: 'e1' });
    expect(await defaultAuthenticationService.validateCredential(stranger, new Uint8Array(32))).toBe(true);
    expect(await as.validateCredential(stranger, new Uint8Array(32))).toBe(false);
    expect(await as.validateCredential({ credentialType: 'basic', identity: new TextEncoder().encode('eve') }, new Uint8Array(32))).toBe(false);
  });

  it('checks every link: identity key, certificate owner, certified signature key, signature', async () => {
    const directory = new MemoryDirectory();
    const alice = generateIdentityKeyPair();
    directory.setIdentityKey('alice', alice.publicKey);
    const device = MlsDevice.create(alice, { username: 'alice', deviceId: 'a1' }, { directory });
    const cert = device.certificate;
    const credential = deviceCredential({ username: 'alice', deviceId: 'a1' });
    const as = new DeviceAuthenticationService(directory, { cacheTtlMs: 0 });

    expect(await as.validateCredential(credential, cert.deviceSignaturePublicKey)).toBe(false); // not published yet
    directory.addCertificate(cert);
    expect(await as.validateCredential(credential, cert.deviceSignaturePublicKey)).toBe(true);
    expect((await as.authenticate(credential, cert.deviceSignaturePublicKey)).username).toBe('alice');
    expect(await as.validateCredential(credential, generateIdentityKeyPair().publicKey)).toBe(false); // other key
    const other = deviceCredential({ username: 'alice', deviceId: 'a2' });
    expect(await as.validateCredential(other, cert.deviceSignaturePublicKey)).toBe(false); // other device name
    directory.addCertificate({ ...certifyDevice(alice, { username: 'alice', deviceId: 'a2' }, cert.deviceSignaturePublicKey), deviceId: 'a2' });
    directory.setIdentityKey('alice', generateIdentityKeyPair().publicKey); // identity key changed
    expect(await as.validateCredential(credential, cert.deviceSignaturePublicKey)).toBe(false);
    await expectCode(as.authenticate(credential, cert.deviceSignaturePublicKey), 'CREDENTIAL_REJECTED');

    const down: DeviceDirectory = { identityKey: () => Promise.reject(new Error('offline')), deviceCertificate: () => Promise.resolve(undefined) };
    await expectCode(new DeviceAuthenticationService(down).validateCredential(credential, cert.deviceSignaturePublicKey), 'DIRECTORY_UNAVAILABLE');
  });

  it('is wired into ts-mls createGroup (external senders go through it)', async () => {
    const cs = await ciphersuite();
    const directory = new MemoryDirectory();
    let asked = 0;
    const as = new DeviceAuthenticationService(directory);
    const counting: ClientConfig = {
      ...defaultClientConfig,
      authService: { validateCredential: (c, k) => (asked++, as.validateCredential(c, k)) },
    };
    const alice = MlsDevice.create(generateIdentityKeyPair(), { username: 'alice', deviceId: 'a1' }, { directory });
    const [kp] = await alice.generateKeyPackages(0);
    expect(kp).toBeDefined();
    const sender = encodeExternalSender({ credential: deviceCredential({ username: 'bot', deviceId: 'x' }), signaturePublicKey: new Uint8Array(32) });
    const decoded = decodeMlsMessage(kp!.keyPackage, 0)!;
    if (decoded[0].wireformat !== 'mls_key_package') throw new Error('expected a KeyPackage');
    const priv = { initPrivateKey: new Uint8Array(32), hpkePrivateKey: new Uint8Array(32), signaturePrivateKey: new Uint8Array(32) };
    await expect(
      createGroup(new Uint8Array([1]), decoded[0].keyPackage, priv, [{ extensionType: 'external_senders', extensionData: sender }], cs, counting),
    ).rejects.toThrow(/credential/);
    expect(asked).toBe(1);
  });

  it('our own credential is checked before creating a group', async () => {
    const { mallory, honest } = worlds();
    await expectCode(mallory(honest).createConversation('c'), 'CREDENTIAL_REJECTED');
  });

  it('rejects a wrong-identity certificate at Welcome join', async () => {
    const { user, mallory } = worlds();
    const alice = user('alice')('a1');
    const m = mallory(); // mallory's own (forged) view accepts herself and alice
    const conv = await m.createConversation('c-join');
    const add = await conv.addMembers([await keyPackage(alice)]);
    await expectCode(alice.joinWelcome(add.welcome!), 'CREDENTIAL_REJECTED');
  });

  it('rejects a wrong-identity certificate when adding, and when processing a commit that adds it', async () => {
    const { user, mallory, forged } = worlds();
    const alice = user('alice')('a1');
    const bobDevice = user('bob');
    const bob = bobDevice('b1', forged); // bob's client trusts a lying directory
    const m = mallory();
    const a = await alice.createConversation('c-commit');
    const add = await a.addMembers([await keyPackage(bob)]);
    await a.confirmCommit();
    const b = await bob.joinWelcome(add.welcome!);

    await expectCode(a.addMembers([await keyPackage(m)]), 'CREDENTIAL_REJECTED'); // alice will not add her
    expect(a.hasPendingCommit).toBe(false);
    const bad = await b.addMembers([await keyPackage(m)]); // bob does
    await b.confirmCommit();
    await expectCode(a.processHandshake(bad.commit), 'CREDENTIAL_REJECTED');
    expect(a.epoch).toBe(1n); // state unchanged
    expect(a.members().map((x) => x.username).sort()).toEqual(['alice', 'bob']);
  });

  it('rejects a wrong-identity certificate in an external join, and in a GroupInfo tree', async () => {
    const { user, mallory } = worlds();
    const alice = user('alice')('a1');
    const a = await alice.createConversation('c-ext');
    const m = mallory();
    const { commit } = await m.joinExternal(await a.groupInfo(), 'c-ext');
    await expectCode(a.processHandshake(commit), 'CREDENTIAL_REJECTED');

    const mConv = await m.createConversation('c-mallory');
    await expectCode(user('carol')('c1').joinExternal(await mConv.groupInfo(), 'c-mallory'), 'CREDENTIAL_REJECTED');
  });

  it('state restore re-checks every member (a device revoked since is refused)', async () => {
    const { user, honest } = worlds();
    const alice = user('alice')('a1');
    const bob = user('bob')('b1');
    const a = await alice.createConversation('c-restore');
    await a.addMembers([await keyPackage(bob)]);
    await a.confirmCommit();
    const saved = a.serialize();
    expect((await alice.restoreConversation(saved)).epoch).toBe(1n);
    honest.removeDevice('bob', 'b1');
    alice.authentication.forget('bob');
    await expectCode(alice.restoreConversation(saved), 'CREDENTIAL_REJECTED');
  });
});
