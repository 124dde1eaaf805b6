import { decodeDeviceCertificate, MlsCryptoError, type DeviceName } from '../../../mls/index.js';
import type { Db } from '../../db/connect.js';
import { listMembers } from '../../db/repositories/conversations.js';
import { devicesOfUsers, type DeviceRow } from '../../db/repositories/directory.js';
import { findUsersByUsernames, usernameKey } from '../../db/repositories/users.js';
import { AppError } from '../../errors.js';
import type { DeviceTarget } from '../../policies/e2e.js';
import { sameBytes } from '../../security/tokens.js';

/** A refusal of malformed or inconsistent MLS input. */
export const invalidMls = (what: string, why: string) => new AppError('VALIDATION_FAILED', `Invalid ${what}: ${why}.`);

/** A commit or application message for an epoch the group has left (another commit won it). */
export const staleEpoch = (current: number) =>
  new AppError('STALE_EPOCH', `The group has moved on to epoch ${current}: process the new commits from the log, then try again.`);

export const noMlsGroup = () => new AppError('CONFLICT', 'This conversation is not an MLS group yet: create it with mls:init.');

/** Runs one of src/mls's pure checks; whatever it throws on hostile bytes becomes VALIDATION_FAILED. */
export async function mlsCheck<T>(what: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw invalidMls(what, err instanceof MlsCryptoError ? err.message : 'malformed MLS data');
  }
}

export { sameBytes };

export const deviceKey = (name: DeviceName) => `${name.username}\u0000${name.deviceId}`;

/** What the server knows of the devices an MLS object names, loaded in three queries. */
export interface DeviceView {
  target(name: DeviceName): DeviceTarget;
  userId(username: string): string | undefined;
  /** The signature key an active device's certificate names (its leaves must carry exactly this key). */
  certifiedKey(name: DeviceName): Uint8Array | undefined;
}

export async function loadDeviceView(db: Db, conversationId: string, usernames: string[]): Promise<DeviceView> {
  const users = await findUsersByUsernames(db, usernames);
  const byKey = new Map(users.map((u) => [usernameKey(u.username), u]));
  const members = new Map((await listMembers(db, conversationId)).map((m) => [m.user_id, m]));
  const devices = new Map<string, DeviceRow>();
  for (const d of await devicesOfUsers(db, users.map((u) => u.id))) devices.set(`${d.user_id}\u0000${d.device_id}`, d);

  // A credential must name its user exactly as registered (the certificate was checked against that spelling).
  const activeDevice = (name: DeviceName): DeviceRow | undefined => {
    const user = byKey.get(usernameKey(name.username));
    if (user === undefined || user.username !== name.username) return undefined;
    const row = devices.get(`${user.id}\u0000${name.deviceId}`);
    return row !== undefined && row.revoked_at === null ? row : undefined;
  };
  return {
    userId: (username) => byKey.get(usernameKey(username))?.id,
    target(name) {
      const user = byKey.get(usernameKey(name.username));
      return {
        username: name.username,
        userId: user?.id,
        member: user === undefined ? undefined : members.get(user.id),
        active: activeDevice(name) !== undefined,
      };
    },
    certifiedKey(name) {
      const row = activeDevice(name);
      return row === undefined ? undefined : decodeDeviceCertificate(row.certificate).deviceSignaturePublicKey;
    },
  };
}
