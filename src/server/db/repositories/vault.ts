import { sql } from 'kysely';
import type { Db } from '../connect.js';
import type { VaultKeysTable, VaultRecordsTable } from '../schema.js';

export function findVaultKey(db: Db, userId: string): Promise<VaultKeysTable | undefined> {
  return db.selectFrom('vault_keys').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** Stores the keyring if the stored version is still `expected` (0: none yet); false if another write came first. */
export async function compareAndSetVaultKey(db: Db, row: VaultKeysTable, expected: number): Promise<boolean> {
  if (expected === 0) {
    const inserted = await db.insertInto('vault_keys').values(row)
      .onConflict((oc) => oc.column('user_id').doNothing()).returning('user_id').executeTakeFirst();
    return inserted !== undefined;
  }
  const res = await db.updateTable('vault_keys')
    .set({ version: row.version, wrapped_keyring: row.wrapped_keyring, updated_at: row.updated_at })
    .where('user_id', '=', row.user_id).where('version', '=', expected).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Inserts or replaces the user's records (a later copy of the same message, e.g. after an edit, wins). */
export async function upsertVaultRecords(db: Db, rows: VaultRecordsTable[]): Promise<void> {
  await db.insertInto('vault_records').values(rows)
    .onConflict((oc) => oc.columns(['user_id', 'conversation_id', 'seq']).doUpdateSet((eb) => ({
      key_version: eb.ref('excluded.key_version'),
      body: eb.ref('excluded.body'),
      updated_at: eb.ref('excluded.updated_at'),
    })))
    .execute();
}

export function vaultRecords(db: Db, userId: string, conversationId: string, seqs: number[]): Promise<VaultRecordsTable[]> {
  return db.selectFrom('vault_records').selectAll()
    .where('user_id', '=', userId).where('conversation_id', '=', conversationId).where('seq', 'in', seqs)
    .orderBy('seq').execute();
}

/** Sequence numbers and body sizes of the user's records among `seqs`, in order (bodies not read). */
export function vaultRecordSizes(db: Db, userId: string, conversationId: string, seqs: number[]): Promise<{ seq: number; size: number }[]> {
  return db.selectFrom('vault_records').select(['seq', sql<number>`length(body)`.as('size')])
    .where('user_id', '=', userId).where('conversation_id', '=', conversationId).where('seq', 'in', seqs)
    .orderBy('seq').execute();
}

/** Of these entries of a conversation, those whose disappearing time has come (`now`: the server's clock). */
export async function expiredSeqs(db: Db, conversationId: string, seqs: number[], now: number): Promise<Set<number>> {
  if (seqs.length === 0) return new Set();
  const rows = await db.selectFrom('messages').select('seq')
    .where('conversation_id', '=', conversationId).where('seq', 'in', seqs)
    .where('expires_at', 'is not', null).where('expires_at', '<=', now).execute();
  return new Set(rows.map((r) => Number(r.seq)));
}

/** A deleted message leaves no sealed copy behind in anyone's vault. */
export async function deleteVaultRecordsOf(db: Db, conversationId: string, seq: number): Promise<void> {
  await db.deleteFrom('vault_records').where('conversation_id', '=', conversationId).where('seq', '=', seq).execute();
}
