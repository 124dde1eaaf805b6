import { decodeDeviceCertificate, verifyDeviceCertificate } from '../../../mls/index.js';
import { MAX_DEVICES_PER_USER, type DeviceDto, type DirectoryEntry } from '../../../protocol/e2e.js';
import { findDevice, findIdentity, insertDevice, listDevices as listDeviceRows, revokeDevices } from '../../db/repositories/directory.js';
import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import type { Actor } from '../../policies/actor.js';
import { accessDirectory } from '../access.js';
import { presentDevice, presentIdentity } from '../../presenters/e2e.js';
import { invalidMls, mlsCheck, sameBytes } from './mls-input.js';

/**
 * Registers one of the user's devices with its certificate. The server checks what it can with public data: the
 * certificate names this user (exactly as registered) and this device id, and is signed by the user's current
 * identity key. Registering the same certificate again answers the stored device; a device id is never reused.
 */
export async function registerDevice(deps: Deps, actor: Actor, input: { deviceId: string; certificate: Uint8Array }): Promise<DeviceDto> {
  const identity = await findIdentity(deps.db, actor.user.id);
  if (!identity) throw new AppError('CONFLICT', 'Publish your identity key before registering a device.');
  const certificate = await mlsCheck('certificate', () => decodeDeviceCertificate(input.certificate));
  if (certificate.username !== actor.user.username || certificate.deviceId !== input.deviceId) {
    throw invalidMls('certificate', 'it names another user or device');
  }
  if (!(await verifyDeviceCertificate(certificate, identity.identity_public_key))) {
    throw invalidMls('certificate', 'it is not signed by your identity key');
  }
  const existing = await findDevice(deps.db, actor.user.id, input.deviceId);
  if (existing) return sameDevice(existing, input.certificate);
  if ((await listDeviceRows(deps.db, actor.user.id, false)).length >= MAX_DEVICES_PER_USER) {
    throw new AppError('CONFLICT', `You can have at most ${MAX_DEVICES_PER_USER} devices; remove one first.`);
  }
  const row = { user_id: actor.user.id, device_id: input.deviceId, certificate: input.certificate, created_at: Date.now(), revoked_at: null };
  try {
    await insertDevice(deps.db, row);
  } catch (err) {
    // A concurrent registration of the same id won the primary key.
    const winner = await findDevice(deps.db, actor.user.id, input.deviceId);
    if (winner) return sameDevice(winner, input.certificate);
    throw err;
  }
  return presentDevice(row);
}

function sameDevice(existing: Parameters<typeof presentDevice>[0], certificate: Uint8Array): DeviceDto {
  if (existing.revoked_at !== null) throw new AppError('CONFLICT', 'That device was removed; register under a new id.');
  if (!sameBytes(existing.certificate, certificate)) throw new AppError('CONFLICT', 'That device id is registered with another certificate.');
  return presentDevice(existing);
}

/** Your devices (removed ones too), or another user's current devices if they are a contact or co-member. */
export async function listDevices(deps: Deps, actor: Actor, username: string | undefined): Promise<{ username: string; devices: DeviceDto[] }> {
  const user = username === undefined ? actor.user : await accessDirectory(deps.db, actor, username);
  const own = user.id === actor.user.id;
  const rows = await listDeviceRows(deps.db, user.id, own);
  return { username: user.username, devices: rows.map(presentDevice) };
}

/**
 * Revokes one of your devices: it leaves the directory (members' authentication services stop accepting it), its
 * waiting KeyPackages are no longer handed out and its pending Welcomes are dropped. Any member may then commit its
 * removal from the groups it is in. Revoking a revoked device changes nothing.
 */
export async function removeDevice(deps: Deps, actor: Actor, deviceId: string): Promise<DeviceDto> {
  const device = await findDevice(deps.db, actor.user.id, deviceId);
  if (!device) throw notFound('No such device.');
  if (device.revoked_at !== null) return presentDevice(device);
  const now = Date.now();
  await deps.db.transaction().execute((trx) => revokeDevices(trx, actor.user.id, deviceId, now));
  return presentDevice({ ...device, revoked_at: now });
}

/** The directory entry an authentication service checks credentials against: identity key and current devices. */
export async function lookupDirectory(deps: Deps, actor: Actor, username: string): Promise<DirectoryEntry> {
  const user = await accessDirectory(deps.db, actor, username);
  const identity = await findIdentity(deps.db, user.id);
  if (!identity) throw notFound(`${user.username} has not set up end-to-end encryption yet.`);
  const devices = await listDeviceRows(deps.db, user.id, false);
  return {
    username: user.username,
    identity: presentIdentity(identity),
    devices: devices.map((d) => ({ deviceId: d.device_id, certificate: d.certificate })),
  };
}
