/**
 * A user's end-to-end identity on this client, set up at every sign-up/log-in:
 * - the identity key: fetched from the server (wrapped) and opened with the vaultKey, or made and published the first
 *   time (the server stores it only wrapped);
 * - this client's device: restored from the store, or made, certified by the identity key, registered, and given
 *   KeyPackages on the server (several one-time ones and a last-resort one).
 */
import { ParleyError } from '../errors.js';
import { bytesToBase64Url } from '../encoding.js';
import type { Requester } from './api.js';
import {
  MlsDevice,
  encodeDeviceCertificate,
  generateIdentityKeyPair,
  unwrapIdentityKey,
  wrapIdentityKey,
  type DeviceDirectory,
  type IdentityKeyPair,
} from '../crypto/index.js';
import { MAX_KEY_PACKAGES_PER_PUBLISH } from '../../protocol/e2e.js';
import { storeKeys, type SecretStore } from './store.js';

/** One-time KeyPackages a device keeps on the server; topped up when fewer than half are left. */
export const KEY_PACKAGE_STOCK = 8;

export interface Account {
  identity: IdentityKeyPair;
  device: MlsDevice;
}

export async function loadIdentity(rt: Requester, vaultKey: Uint8Array, username: string): Promise<IdentityKeyPair> {
  try {
    const { wrappedKey } = await rt.request('identity:get', {});
    return await unwrapIdentityKey(wrappedKey, vaultKey, username);
  } catch (err) {
    if (!(err instanceof ParleyError && err.code === 'NOT_FOUND')) throw err;
  }
  const identity = generateIdentityKeyPair();
  await rt.request('identity:publish', {
    identityKey: bytesToBase64Url(identity.publicKey),
    wrappedKey: await wrapIdentityKey(identity, vaultKey, username),
  });
  return identity;
}

/** After a password change: the same identity key, wrapped under the new vaultKey. */
export async function rewrapIdentity(rt: Requester, identity: IdentityKeyPair, vaultKey: Uint8Array, username: string): Promise<void> {
  await rt.request('identity:publish', {
    identityKey: bytesToBase64Url(identity.publicKey),
    wrappedKey: await wrapIdentityKey(identity, vaultKey, username),
  });
}

/**
 * This client's device from the store, if it is still this user's under the current identity. A stored device the
 * server does not list yet (the page was closed between saving and registering it) is registered now: its
 * certificate is in the store, so no password is needed. Removed, or the identity changed: undefined (start afresh).
 */
export async function restoreDevice(rt: Requester, store: SecretStore, username: string, directory: DeviceDirectory): Promise<MlsDevice | undefined> {
  const saved = await store.get(storeKeys.device(username));
  if (saved === undefined) return undefined;
  const device = MlsDevice.restore(saved, { directory });
  const listed = (await rt.request('devices:list', {})).devices.find((d) => d.deviceId === device.name.deviceId);
  if (!listed) {
    try {
      await rt.request('devices:register', { deviceId: device.name.deviceId, certificate: encodeDeviceCertificate(device.certificate) });
    } catch (err) {
      // CONFLICT: the identity changed or the id cannot be used: start afresh. Anything else (network): not now.
      if (err instanceof ParleyError && err.code === 'CONFLICT') return undefined;
      throw err;
    }
    await publishKeyPackages(rt, store, device, KEY_PACKAGE_STOCK, true);
    return device;
  }
  return listed.revokedAt === null && sameCertificate(listed.certificate, device) ? device : undefined;
}

/** A new device for this client: certified by the identity key, saved, registered, with KeyPackages on the server. */
export async function createDevice(
  rt: Requester,
  store: SecretStore,
  identity: IdentityKeyPair,
  username: string,
  directory: DeviceDirectory,
): Promise<MlsDevice> {
  const deviceId = bytesToBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(9)));
  const device = MlsDevice.create(identity, { username, deviceId }, { directory });
  // Saved before the server hears of it: a reload from here on restores this device rather than needing the password.
  await store.write(new Map([[storeKeys.device(username), device.serialize()]]));
  await rt.request('devices:register', { deviceId, certificate: encodeDeviceCertificate(device.certificate) });
  await publishKeyPackages(rt, store, device, KEY_PACKAGE_STOCK, true);
  return device;
}

function sameCertificate(certificate: Uint8Array, device: MlsDevice): boolean {
  const mine = encodeDeviceCertificate(device.certificate);
  return certificate.length === mine.length && certificate.every((b, i) => b === mine[i]);
}

/** Makes and uploads KeyPackages; the device (holding their private keys) is saved first. Returns how many wait. */
export async function publishKeyPackages(
  rt: Requester,
  store: SecretStore,
  device: MlsDevice,
  oneTime: number,
  lastResort: boolean,
): Promise<number> {
  const packages = await device.generateKeyPackages(oneTime, { lastResort });
  await store.write(new Map([[storeKeys.device(device.name.username), device.serialize()]]));
  let waiting = 0;
  for (let i = 0; i < packages.length; i += MAX_KEY_PACKAGES_PER_PUBLISH) {
    const batch = packages.slice(i, i + MAX_KEY_PACKAGES_PER_PUBLISH);
    const res = await rt.request('keyPackages:publish', {
      deviceId: device.name.deviceId,
      keyPackages: batch.map((p) => ({ ref: bytesToBase64Url(p.ref), body: p.keyPackage, lastResort: p.lastResort })),
    });
    waiting = res.waiting;
  }
  return waiting;
}
