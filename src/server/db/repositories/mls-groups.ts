import type { Db } from '../connect.js';
import { prepared } from '../prepared.js';
import type { MlsGroupsTable, WelcomesTable } from '../schema.js';

export type MlsGroupRow = MlsGroupsTable;
export type WelcomeRow = WelcomesTable;

export function findMlsGroup(db: Db, conversationId: string): Promise<MlsGroupRow | undefined> {
  return db.selectFrom('mls_groups').selectAll().where('conversation_id', '=', conversationId).executeTakeFirst();
}

const epochQuery = prepared((db: Db, p: { conversationId: string }) =>
  db.selectFrom('mls_groups').select('epoch').where('conversation_id', '=', p.conversationId));

/** The epoch alone (no GroupInfo bytes), read inside a send's transaction. */
export async function currentEpoch(db: Db, conversationId: string): Promise<number | undefined> {
  const [row] = (await epochQuery(db, { conversationId })).rows;
  return row === undefined ? undefined : Number(row.epoch);
}

/** The epochs of several groups in one query (a conversation that is no MLS group is absent from the map). */
export async function currentEpochs(db: Db, conversationIds: string[]): Promise<Map<string, number>> {
  if (conversationIds.length === 0) return new Map();
  const rows = await db.selectFrom('mls_groups').select(['conversation_id', 'epoch']).where('conversation_id', 'in', conversationIds).execute();
  return new Map(rows.map((r) => [r.conversation_id, Number(r.epoch)]));
}

/** Creates the group's epoch 0; false if the conversation already is an MLS group (the first init wins). */
export async function insertMlsGroup(db: Db, row: MlsGroupRow): Promise<boolean> {
  const inserted = await db.insertInto('mls_groups').values(row)
    .onConflict((oc) => oc.column('conversation_id').doNothing()).returning('conversation_id').executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Moves the group from `fromEpoch` to the next epoch with its new GroupInfo, only if it still is at `fromEpoch`:
 * false means another commit took this epoch first (the caller answers STALE_EPOCH).
 */
export async function advanceEpoch(
  db: Db,
  conversationId: string,
  fromEpoch: number,
  groupInfo: Uint8Array,
  seq: number,
  now: number,
): Promise<boolean> {
  const res = await db.updateTable('mls_groups')
    .set({ epoch: fromEpoch + 1, group_info: groupInfo, epoch_seq: seq, updated_at: now })
    .where('conversation_id', '=', conversationId).where('epoch', '=', fromEpoch).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function insertWelcomes(db: Db, rows: WelcomeRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('welcomes').values(rows).execute();
}

/** Welcomes not yet acknowledged by the device, to conversations the user still is a member of, oldest first. */
export function pendingWelcomes(db: Db, userId: string, deviceId: string): Promise<WelcomeRow[]> {
  return db.selectFrom('welcomes')
    .innerJoin('conversation_members', (j) => j
      .onRef('conversation_members.conversation_id', '=', 'welcomes.conversation_id')
      .onRef('conversation_members.user_id', '=', 'welcomes.user_id'))
    .selectAll('welcomes')
    .where('welcomes.user_id', '=', userId).where('welcomes.device_id', '=', deviceId).where('welcomes.delivered_at', 'is', null)
    .orderBy('welcomes.created_at').orderBy('welcomes.commit_seq').execute();
}

/** The device has processed these Welcomes: they are no longer handed out and their bytes are erased. */
export async function markWelcomesDelivered(db: Db, userId: string, deviceId: string, ids: string[], now: number): Promise<void> {
  await db.updateTable('welcomes').set({ delivered_at: now, body: new Uint8Array(0) })
    .where('user_id', '=', userId).where('device_id', '=', deviceId).where('id', 'in', ids)
    .where('delivered_at', 'is', null).execute();
}
