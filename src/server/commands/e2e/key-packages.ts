import { decodeDeviceCertificate, validateKeyPackage } from '../../../mls/index.js';
import { MAX_WAITING_KEY_PACKAGES, type ClaimedKeyPackage } from '../../../protocol/e2e.js';
import {
  findDevice,
  findLastResort,
  insertKeyPackages,
  keyPackageStock,
  listDevices,
  retireLastResort,
  takeOneTimeKeyPackage,
  type KeyPackageRow,
} from '../../db/repositories/directory.js';
import { usernameKey } from '../../db/repositories/users.js';
import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import type { Actor } from '../../policies/actor.js';
import { accessDirectory } from '../access.js';
import { toBase64Url } from '../../presenters/e2e.js';
import { invalidMls, mlsCheck, sameBytes } from './mls-input.js';

interface PublishInput {
  deviceId: string;
  keyPackages: { ref: string; body: Uint8Array; lastResort: boolean }[];
}

/**
 * Stores KeyPackages of one of the user's own devices. Each must be a valid KeyPackage of that device (its credential
 * names this user and device, it is signed by the key the device's certificate names) whose ref is the one the server
 * computes (KeyPackageRef, RFC 9420 §5.2) and whose last-resort flag is the one claimed. A new last-resort KeyPackage
 * replaces the previous one.
 */
export async function publishKeyPackages(deps: Deps, actor: Actor, input: PublishInput): Promise<{ waiting: number; lastResort: boolean }> {
  const device = await findDevice(deps.db, actor.user.id, input.deviceId);
  if (!device || device.revoked_at !== null) throw notFound('No such device.');
  const certifiedKey = decodeDeviceCertificate(device.certificate).deviceSignaturePublicKey;
  const now = Date.now();
  const rows: KeyPackageRow[] = [];
  for (const [i, kp] of input.keyPackages.entries()) {
    const what = `KeyPackage ${i + 1}`;
    const info = await mlsCheck(what, () => validateKeyPackage(kp.body));
    if (info.device.username !== actor.user.username || info.device.deviceId !== input.deviceId) {
      throw invalidMls(what, 'its credential names another user or device');
    }
    if (!sameBytes(info.signaturePublicKey, certifiedKey)) throw invalidMls(what, 'it is not signed by this device\'s certified key');
    if (toBase64Url(info.ref) !== kp.ref) throw invalidMls(what, 'the ref is not the KeyPackageRef of the body');
    if (info.lastResort !== kp.lastResort) throw invalidMls(what, 'the last-resort flag does not match the KeyPackage');
    if (info.notAfterMs <= now) throw invalidMls(what, 'it has expired');
    rows.push({
      ref: kp.ref, user_id: actor.user.id, device_id: input.deviceId, body: kp.body,
      last_resort: kp.lastResort ? 1 : 0, created_at: now, expires_at: info.notAfterMs, taken_at: null,
    });
  }
  const stock = await keyPackageStock(deps.db, actor.user.id, input.deviceId, now);
  if (stock.waiting + rows.filter((r) => r.last_resort === 0).length > MAX_WAITING_KEY_PACKAGES) {
    throw new AppError('CONFLICT', `A device may have at most ${MAX_WAITING_KEY_PACKAGES} KeyPackages waiting.`);
  }
  await deps.db.transaction().execute(async (trx) => {
    await insertKeyPackages(trx, rows);
    const lastResort = rows.find((r) => r.last_resort === 1);
    if (lastResort) await retireLastResort(trx, actor.user.id, input.deviceId, lastResort.ref, now);
  });
  return keyPackageStock(deps.db, actor.user.id, input.deviceId, now);
}

/**
 * One KeyPackage for every current device of each named user (or only the listed devices) (contacts and co-members only: anyone else answers
 * NOT_FOUND, like a name without an account). A one-time KeyPackage is taken atomically, so concurrent claims never
 * receive the same one; when a device has none left, its last-resort KeyPackage is handed out (again).
 */
export async function claimKeyPackages(
  deps: Deps,
  actor: Actor,
  usernames: string[],
  only?: { username: string; deviceId: string }[],
): Promise<{ keyPackages: ClaimedKeyPackage[]; missing: { username: string; deviceId: string }[] }> {
  const unique = [...new Map(usernames.map((u) => [usernameKey(u), u])).values()];
  const users = [];
  for (const username of unique) users.push(await accessDirectory(deps.db, actor, username));
  const now = Date.now();
  const keyPackages: ClaimedKeyPackage[] = [];
  const missing: { username: string; deviceId: string }[] = [];
  for (const user of users) {
    for (const device of await listDevices(deps.db, user.id, false)) {
      const wanted = only?.some((d) => usernameKey(d.username) === usernameKey(user.username) && d.deviceId === device.device_id);
      if (only !== undefined && !wanted) continue;
      const kp =
        (await takeOneTimeKeyPackage(deps.db, user.id, device.device_id, now)) ??
        (await findLastResort(deps.db, user.id, device.device_id, now));
      if (kp) {
        keyPackages.push({ username: user.username, deviceId: device.device_id, ref: kp.ref, body: kp.body, lastResort: kp.last_resort === 1 });
      } else missing.push({ username: user.username, deviceId: device.device_id });
    }
  }
  return { keyPackages, missing };
}
