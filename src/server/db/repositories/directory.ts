import type { Db } from '../connect.js';
import type { DevicesTable, IdentitiesTable, KeyPackagesTable } from '../schema.js';

export type IdentityRow = IdentitiesTable;
export type DeviceRow = DevicesTable;
export type KeyPackageRow = KeyPackagesTable;

// ---- identities ----

export function findIdentity(db: Db, userId: string): Promise<IdentityRow | undefined> {
  return db.selectFrom('identities').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** Takes the identity row's lock until the transaction ends (PostgreSQL; SQLite runs one writer at a time anyway). */
export async function lockIdentity(db: Db, userId: string): Promise<void> {
  await db.updateTable('identities').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('user_id', '=', userId).execute();
}

export async function insertIdentity(db: Db, row: IdentityRow): Promise<void> {
  await db.insertInto('identities').values(row).execute();
  await db.insertInto('identity_key_history')
    .values({ user_id: row.user_id, key_version: row.key_version, identity_public_key: row.identity_public_key, created_at: row.updated_at })
    .execute();
}

/** A new wrapping of the same key keeps the version; a new key is recorded in the history with the next version. */
export async function updateIdentity(db: Db, row: IdentityRow, newKey: boolean): Promise<void> {
  await db.updateTable('identities')
    .set({ identity_public_key: row.identity_public_key, wrapped_identity_key: row.wrapped_identity_key, key_version: row.key_version, updated_at: row.updated_at })
    .where('user_id', '=', row.user_id).execute();
  if (newKey) {
    await db.insertInto('identity_key_history')
      .values({ user_id: row.user_id, key_version: row.key_version, identity_public_key: row.identity_public_key, created_at: row.updated_at })
      .execute();
  }
}

// ---- devices ----

export function findDevice(db: Db, userId: string, deviceId: string): Promise<DeviceRow | undefined> {
  return db.selectFrom('devices').selectAll().where('user_id', '=', userId).where('device_id', '=', deviceId).executeTakeFirst();
}

export function listDevices(db: Db, userId: string, includeRevoked: boolean): Promise<DeviceRow[]> {
  let q = db.selectFrom('devices').selectAll().where('user_id', '=', userId);
  if (!includeRevoked) q = q.where('revoked_at', 'is', null);
  return q.orderBy('created_at').orderBy('device_id').execute();
}

/** Every device (revoked ones too) of these users. */
export function devicesOfUsers(db: Db, userIds: string[]): Promise<DeviceRow[]> {
  if (userIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('devices').selectAll().where('user_id', 'in', userIds).execute();
}

export async function insertDevice(db: Db, row: DeviceRow): Promise<void> {
  await db.insertInto('devices').values(row).execute();
}

/** Revokes the devices (all of the user's if `deviceId` is undefined) and retires their waiting KeyPackages. */
export async function revokeDevices(db: Db, userId: string, deviceId: string | undefined, now: number): Promise<void> {
  let devices = db.updateTable('devices').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  let packages = db.updateTable('key_packages').set({ taken_at: now }).where('user_id', '=', userId).where('taken_at', 'is', null);
  let welcomes = db.updateTable('welcomes').set({ delivered_at: now, body: new Uint8Array(0) })
    .where('user_id', '=', userId).where('delivered_at', 'is', null);
  if (deviceId !== undefined) {
    devices = devices.where('device_id', '=', deviceId);
    packages = packages.where('device_id', '=', deviceId);
    welcomes = welcomes.where('device_id', '=', deviceId);
  }
  await devices.execute();
  await packages.execute();
  await welcomes.execute();
}

// ---- KeyPackages ----

/** Stores KeyPackages; one already stored (same ref, hence same bytes) is left as it is. */
export async function insertKeyPackages(db: Db, rows: KeyPackageRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('key_packages').values(rows).onConflict((oc) => oc.column('ref').doNothing()).execute();
}

/** Retires a device's last-resort KeyPackages other than `keepRef`: only the newest is handed out. */
export async function retireLastResort(db: Db, userId: string, deviceId: string, keepRef: string, now: number): Promise<void> {
  await db.updateTable('key_packages').set({ taken_at: now })
    .where('user_id', '=', userId).where('device_id', '=', deviceId).where('last_resort', '=', 1)
    .where('taken_at', 'is', null).where('ref', '!=', keepRef).execute();
}

export async function keyPackageStock(db: Db, userId: string, deviceId: string, now: number): Promise<{ waiting: number; lastResort: boolean }> {
  const rows = await db.selectFrom('key_packages').select(['last_resort', (eb) => eb.fn.countAll<number>().as('n')])
    .where('user_id', '=', userId).where('device_id', '=', deviceId).where('taken_at', 'is', null).where('expires_at', '>', now)
    .groupBy('last_resort').execute();
  return {
    waiting: Number(rows.find((r) => Number(r.last_resort) === 0)?.n ?? 0),
    lastResort: rows.some((r) => Number(r.last_resort) === 1 && Number(r.n) > 0),
  };
}

/**
 * Takes one waiting one-time KeyPackage of the device, atomically: the conditional update (`taken_at IS NULL`) lets
 * exactly one of several concurrent claimers have each row (PostgreSQL re-checks the condition after the row lock),
 * and a claimer that lost a row tries the next. Undefined when none is left.
 */
export async function takeOneTimeKeyPackage(db: Db, userId: string, deviceId: string, now: number): Promise<KeyPackageRow | undefined> {
  for (;;) {
    const candidates = await db.selectFrom('key_packages').select('ref')
      .where('user_id', '=', userId).where('device_id', '=', deviceId).where('last_resort', '=', 0)
      .where('taken_at', 'is', null).where('expires_at', '>', now)
      .orderBy('created_at').orderBy('ref').limit(8).execute();
    if (candidates.length === 0) return undefined;
    for (const { ref } of candidates) {
      const taken = await db.updateTable('key_packages').set({ taken_at: now })
        .where('ref', '=', ref).where('taken_at', 'is', null).returningAll().executeTakeFirst();
      if (taken) return taken;
    }
  }
}

export function findLastResort(db: Db, userId: string, deviceId: string, now: number): Promise<KeyPackageRow | undefined> {
  return db.selectFrom('key_packages').selectAll()
    .where('user_id', '=', userId).where('device_id', '=', deviceId).where('last_resort', '=', 1)
    .where('taken_at', 'is', null).where('expires_at', '>', now)
    .orderBy('created_at', 'desc').limit(1).executeTakeFirst();
}

export function keyPackagesByRefs(db: Db, refs: string[]): Promise<Pick<KeyPackageRow, 'ref' | 'user_id' | 'device_id'>[]> {
  if (refs.length === 0) return Promise.resolve([]);
  return db.selectFrom('key_packages').select(['ref', 'user_id', 'device_id']).where('ref', 'in', refs).execute();
}
