import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MlsDevice,
  certifyDevice,
  encodeDeviceCertificate,
  generateIdentityKeyPair,
  unwrapIdentityKey,
} from '../../src/sdk/crypto/index.js';
import { dialect } from '../support/env.js';
import { addDevice, b64, e2eUser, fromB64, type E2eUser } from '../support/mls.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend } from '../support/users.js';

const code = (answer: unknown) => (answer as { error?: { code?: string } }).error?.code;

describe(`end-to-end directory: identities, devices, KeyPackages (${dialect})`, () => {
  let t: TestServer;
  let alice: E2eUser;
  let bob: E2eUser;
  let carol: E2eUser;
  let mallory: E2eUser;

  beforeAll(async () => {
    t = await startTestServer();
    [alice, bob, carol, mallory] = await Promise.all([e2eUser(t, 'alice'), e2eUser(t, 'bob'), e2eUser(t, 'carol'), e2eUser(t, 'mallory')]);
    await befriend(alice.client, bob.client);
    await befriend(carol.client, bob.client);
  });
  afterAll(async () => {
    for (const u of [alice, bob, carol, mallory]) u?.client.close();
    await t?.close();
  });

  it('keeps the wrapped identity key for its owner only, and records a replaced key', async () => {
    const own = await alice.request('identity:get', {});
    expect(own.identity).toMatchObject({ identityKey: b64(alice.identity.publicKey), version: 1 });
    const unwrapped = await unwrapIdentityKey(own.wrappedKey, alice.vaultKey, 'alice');
    expect(b64(unwrapped.publicKey)).toBe(b64(alice.identity.publicKey));
    // identity:get takes no user name: there is no way to ask for someone else's wrapped key.
    expect(code(await mallory.raw('identity:get', { username: 'alice' }))).toBe('VALIDATION_FAILED');

    // A new wrapping of the same key (after a password change) keeps the version; another key bumps it and
    // revokes the devices certified by the old one.
    const dave = await e2eUser(t, 'dave');
    await addDevice(dave, 'd1', 1);
    const rewrapped = await dave.request('identity:publish', { identityKey: b64(dave.identity.publicKey), wrappedKey: new Uint8Array(61).fill(7) });
    expect(rewrapped.identity.version).toBe(1);
    expect((await dave.request('devices:list', {})).devices.map((d) => d.revokedAt)).toEqual([null]);
    const next = generateIdentityKeyPair();
    const replaced = await dave.request('identity:publish', { identityKey: b64(next.publicKey), wrappedKey: new Uint8Array(61).fill(8) });
    expect(replaced.identity).toMatchObject({ identityKey: b64(next.publicKey), version: 2 });
    expect((await dave.request('devices:list', {})).devices[0]?.revokedAt).not.toBeNull();
    dave.client.close();
  });

  it('registers only certificates for the session user, signed by their identity key', async () => {
    const device = MlsDevice.create(alice.identity, { username: 'alice', deviceId: 'laptop' }, { directory: alice.directory });
    const certificate = encodeDeviceCertificate(device.certificate);
    // Bob cannot register alice's device, and a certificate signed by another key is refused.
    expect(code(await bob.raw('devices:register', { deviceId: 'laptop', certificate: Buffer.from(certificate) }))).toBe('VALIDATION_FAILED');
    const forged = encodeDeviceCertificate(certifyDevice(generateIdentityKeyPair(), { username: 'alice', deviceId: 'laptop' }, device.certificate.deviceSignaturePublicKey));
    expect(code(await alice.raw('devices:register', { deviceId: 'laptop', certificate: Buffer.from(forged) }))).toBe('VALIDATION_FAILED');
    expect(code(await alice.raw('devices:register', { deviceId: 'other', certificate: Buffer.from(certificate) }))).toBe('VALIDATION_FAILED');

    const first = await alice.request('devices:register', { deviceId: 'laptop', certificate });
    const again = await alice.request('devices:register', { deviceId: 'laptop', certificate });
    expect(again.device).toEqual(first.device);
    const other = MlsDevice.create(alice.identity, { username: 'alice', deviceId: 'laptop' }, { directory: alice.directory });
    expect(code(await alice.raw('devices:register', { deviceId: 'laptop', certificate: Buffer.from(encodeDeviceCertificate(other.certificate)) }))).toBe('CONFLICT');
  });

  it('shows devices and identity keys to contacts and co-members only; others get the answer for a missing name', async () => {
    await addDevice(bob, 'b1', 3);
    const seen = await alice.request('directory:lookup', { username: 'BOB' });
    expect(seen).toMatchObject({ username: 'bob', identity: { identityKey: b64(bob.identity.publicKey), version: 1 } });
    expect(seen.devices.map((d) => d.deviceId)).toEqual(['b1']);
    expect((await alice.request('devices:list', { username: 'bob' })).devices.map((d) => d.deviceId)).toEqual(['b1']);
    expect(fromB64(seen.identity.identityKey)).toEqual(bob.identity.publicKey);

    for (const event of ['directory:lookup', 'devices:list'] as const) {
      const hidden = await mallory.raw(event, { username: 'bob' });
      const missing = await mallory.raw(event, { username: 'nobody-here' });
      expect(code(hidden)).toBe('NOT_FOUND');
      expect(JSON.stringify(hidden).replace('bob', 'X')).toBe(JSON.stringify(missing).replace('nobody-here', 'X'));
    }
    expect(code(await mallory.raw('keyPackages:claim', { usernames: ['bob'] }))).toBe('NOT_FOUND');

    // Sharing a group is enough, even without being contacts.
    const group = await bob.client.conversations.createGroup('book club', ['alice', 'carol']);
    expect((await alice.request('directory:lookup', { username: 'carol' })).username).toBe('carol');
    await bob.client.conversations.removeMember(group.id, 'alice');
    expect(code(await alice.raw('directory:lookup', { username: 'carol' }))).toBe('NOT_FOUND');
  });

  it('checks every published KeyPackage: its ref, its device and its last-resort flag', async () => {
    const device = await addDevice(carol, 'c1', 0);
    const [kp] = await device.generateKeyPackages(1, { lastResort: false });
    const publish = (who: E2eUser, deviceId: string, changes: Partial<{ ref: string; lastResort: boolean }>) =>
      who.raw('keyPackages:publish', { deviceId, keyPackages: [{ ref: b64(kp!.ref), body: Buffer.from(kp!.keyPackage), lastResort: false, ...changes }] });
    expect(code(await publish(carol, 'c1', { ref: b64(new Uint8Array(32)) }))).toBe('VALIDATION_FAILED');
    expect(code(await publish(carol, 'c1', { lastResort: true }))).toBe('VALIDATION_FAILED');
    expect(code(await publish(bob, 'b1', {}))).toBe('VALIDATION_FAILED'); // carol's KeyPackage under bob's device
    expect(code(await publish(carol, 'nope', {}))).toBe('NOT_FOUND');
    expect(await publish(carol, 'c1', {})).toEqual({ data: { waiting: 1, lastResort: true } });
  });

  it('hands out one-time KeyPackages atomically to concurrent claims, then the last-resort one', async () => {
    const sockets = [alice, carol, alice, carol, alice, carol, alice, carol];
    const answers = await Promise.all(sockets.map((u) => u.request('keyPackages:claim', { usernames: ['bob'] })));
    const packages = answers.map((a) => {
      expect(a.keyPackages).toHaveLength(1);
      return a.keyPackages[0]!;
    });
    const oneTime = packages.filter((p) => !p.lastResort).map((p) => p.ref);
    const lastResort = packages.filter((p) => p.lastResort).map((p) => p.ref);
    expect(oneTime).toHaveLength(3);
    expect(new Set(oneTime).size).toBe(3);
    expect(lastResort).toHaveLength(5);
    expect(new Set(lastResort).size).toBe(1);
    for (const p of packages) expect(p).toMatchObject({ username: 'bob', deviceId: 'b1' });

    // A revoked device is no longer handed out or listed; its owner still sees it, marked.
    await addDevice(bob, 'b2', 1);
    expect((await alice.request('keyPackages:claim', { usernames: ['bob', 'Bob'] })).keyPackages.map((p) => p.deviceId)).toEqual(['b1', 'b2']);
    const removed = await bob.request('devices:remove', { deviceId: 'b2' });
    expect(removed.device.revokedAt).not.toBeNull();
    expect((await alice.request('keyPackages:claim', { usernames: ['bob'] })).keyPackages.map((p) => p.deviceId)).toEqual(['b1']);
    expect((await alice.request('directory:lookup', { username: 'bob' })).devices.map((d) => d.deviceId)).toEqual(['b1']);
    expect((await bob.request('devices:list', {})).devices.map((d) => [d.deviceId, d.revokedAt === null])).toEqual([['b1', true], ['b2', false]]);
    expect(code(await bob.raw('devices:register', { deviceId: 'b2', certificate: Buffer.from(removed.device.certificate) }))).toBe('CONFLICT');
  });
});
