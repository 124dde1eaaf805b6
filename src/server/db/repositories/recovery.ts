import type { Db } from '../connect.js';
import type { RecoveryKeysTable } from '../schema.js';

export type RecoveryRow = RecoveryKeysTable;

export function findRecovery(db: Db, userId: string): Promise<RecoveryRow | undefined> {
  return db.selectFrom('recovery_keys').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** Sets (or replaces) the user's recovery key; a replaced key stops working at once. */
export async function upsertRecovery(db: Db, row: RecoveryRow): Promise<void> {
  await db.insertInto('recovery_keys').values(row)
    .onConflict((oc) => oc.column('user_id').doUpdateSet({
      auth_hash: row.auth_hash, escrow: row.escrow, box: row.box, created_at: row.created_at, updated_at: row.updated_at,
    }))
    .execute();
}

/** Re-seals the escrow and box of the existing key (after a password change); false if the user has none. */
export async function resealRecovery(db: Db, userId: string, escrow: Uint8Array, box: Uint8Array, now: number): Promise<boolean> {
  const res = await db.updateTable('recovery_keys').set({ escrow, box, updated_at: now }).where('user_id', '=', userId).executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function deleteRecovery(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('recovery_keys').where('user_id', '=', userId).execute();
}
