import { describe, expect, it } from 'vitest';
import {
  certifyDevice,
  createDeviceKeys,
  decodeDeviceCertificate,
  decodeDeviceName,
  deviceCertificateMessage,
  encodeDeviceCertificate,
  encodeDeviceName,
  generateIdentityKeyPair,
  isMlsCryptoError,
  unwrapIdentityKey,
  verifyDeviceCertificate,
  wrapIdentityKey,
} from '../../src/sdk/crypto/index.js';
import { addHistoricalReceiverData, type ClientState } from 'ts-mls/clientState.js';

const vaultKey = () => crypto.getRandomValues(new Uint8Array(32));

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('identity and devices', () => {
  it('device names encode unambiguously and round-trip', () => {
    const bytes = encodeDeviceName({ username: 'alice', deviceId: 'phone' });
    expect(Array.from(bytes.slice(0, 3))).toEqual([1, 0, 5]);
    expect(decodeDeviceName(bytes)).toEqual({ username: 'alice', deviceId: 'phone' });
    // "ab"+"c" and "a"+"bc" differ
    expect(encodeDeviceName({ username: 'ab', deviceId: 'c' })).not.toEqual(encodeDeviceName({ username: 'a', deviceId: 'bc' }));
    expect(decodeDeviceName(encodeDeviceName({ username: 'zoë', deviceId: '🙂' }))).toEqual({ username: 'zoë', deviceId: '🙂' });
    for (const bad of [new Uint8Array([2, 0, 1, 97, 0, 1, 98]), new Uint8Array([1, 0, 1, 97, 0, 1, 98, 0]), new Uint8Array([1, 0, 0, 0, 1, 98]), new Uint8Array([1, 0, 1, 0xff, 0, 1, 98])]) {
      expect(() => decodeDeviceName(bad)).toThrow(/decodeDeviceName/);
    }
    expect(() => encodeDeviceName({ username: '', deviceId: 'x' })).toThrow();
  });

  it('a device certificate verifies only under the identity key that signed it, for exactly its fields', async () => {
    const alice = generateIdentityKeyPair();
    const device = createDeviceKeys(alice, { username: 'alice', deviceId: 'd1' });
    const cert = device.certificate;
    expect(await verifyDeviceCertificate(cert, alice.publicKey)).toBe(true);
    expect(await verifyDeviceCertificate(cert, generateIdentityKeyPair().publicKey)).toBe(false);
    expect(await verifyDeviceCertificate({ ...cert, deviceId: 'd2' }, alice.publicKey)).toBe(false);
    expect(await verifyDeviceCertificate({ ...cert, username: 'alicf' }, alice.publicKey)).toBe(false);
    expect(await verifyDeviceCertificate({ ...cert, deviceSignaturePublicKey: generateIdentityKeyPair().publicKey }, alice.publicKey)).toBe(false);
    expect(await verifyDeviceCertificate({ ...cert, signature: cert.signature.slice(0, 63) }, alice.publicKey)).toBe(false);
    const decoded = decodeDeviceCertificate(encodeDeviceCertificate(cert));
    expect(decoded).toEqual(cert);
    expect(await verifyDeviceCertificate(decoded, alice.publicKey)).toBe(true);
    const message = deviceCertificateMessage(cert, cert.deviceSignaturePublicKey);
    expect(new TextDecoder().decode(message.slice(2, 23))).toBe('parley/device-cert/v1');
    const other = certifyDevice(alice, { username: 'alice', deviceId: 'd1' }, generateIdentityKeyPair().publicKey);
    expect(other.signature).not.toEqual(cert.signature);
  });

  it('identity key wrap/unwrap round-trips and fails with the wrong vaultKey, user, or a flipped byte', async () => {
    const identity = generateIdentityKeyPair();
    const key = vaultKey();
    const wrapped = await wrapIdentityKey(identity, key, 'alice');
    expect(wrapped).toHaveLength(1 + 12 + 32 + 16);
    expect(Buffer.from(wrapped).includes(Buffer.from(identity.privateKey))).toBe(false);
    const again = await wrapIdentityKey(identity, key, 'alice');
    expect(again.slice(1, 13)).not.toEqual(wrapped.slice(1, 13)); // fresh nonce

    const opened = await unwrapIdentityKey(wrapped, key, 'alice');
    expect(opened.privateKey).toEqual(identity.privateKey);
    expect(opened.publicKey).toEqual(identity.publicKey);

    for (const attempt of [
      () => unwrapIdentityKey(wrapped, vaultKey(), 'alice'),
      () => unwrapIdentityKey(wrapped, key, 'bob'),
      () => unwrapIdentityKey(Uint8Array.from(wrapped, (b, i) => (i === 20 ? b ^ 1 : b)), key, 'alice'),
      () => unwrapIdentityKey(wrapped.slice(0, 40), key, 'alice'),
    ]) {
      const error = await failure(attempt());
      expect(isMlsCryptoError(error, 'UNWRAP_FAILED'), String(error)).toBe(true);
    }
    await expect(wrapIdentityKey(identity, new Uint8Array(16), 'alice')).rejects.toThrow(/32 bytes/);
  });
});

describe('ts-mls key retention (why group-state.ts prunes past epochs itself)', () => {
  it('ts-mls 1.6.4 with retainKeysForEpochs = 0 keeps every past epoch', () => {
    const entry = (epoch: bigint) => [epoch, { secretTree: [], ratchetTree: [], senderDataSecret: new Uint8Array(1), groupContext: {}, resumptionPsk: new Uint8Array(1) }] as const;
    const state = {
      groupContext: { epoch: 3n },
      secretTree: [],
      ratchetTree: [],
      keySchedule: { senderDataSecret: new Uint8Array(1), resumptionPsk: new Uint8Array(1) },
      historicalReceiverData: new Map([entry(1n), entry(2n)]),
      clientConfig: { keyRetentionConfig: { retainKeysForEpochs: 0 } },
    } as unknown as ClientState;
    const [kept] = addHistoricalReceiverData(state);
    // If this ever becomes 0, ts-mls fixed it and our extra pruning is merely redundant.
    expect([...kept.keys()]).toEqual([1n, 2n, 3n]);
  });
});
