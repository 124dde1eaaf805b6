import type { Db } from '../connect.js';
import { prepared } from '../prepared.js';
import type { PrivacySettingsTable } from '../schema.js';

export type PrivacyRow = PrivacySettingsTable;

export async function setDisappearingSeconds(db: Db, conversationId: string, seconds: number | null): Promise<void> {
  await db.updateTable('conversations').set({ disappearing_seconds: seconds }).where('id', '=', conversationId).execute();
}

// Read by every batch of sends: compiled once per number of conversations (prepared.ts).
const timersQuery = prepared((db: Db, p: { ids: string[] }) =>
  db.selectFrom('conversations').select(['id', 'disappearing_seconds']).where('id', 'in', p.ids));

/** The timer of each of these conversations (absent: none of that id). */
export async function disappearingTimers(db: Db, conversationIds: string[]): Promise<Map<string, number | null>> {
  const timers = new Map<string, number | null>();
  if (conversationIds.length === 0) return timers;
  const { rows } = await timersQuery(db, { ids: conversationIds });
  for (const r of rows) timers.set(r.id, r.disappearing_seconds ?? null);
  return timers;
}

/** Messages whose expiry has come and that still hold a body, oldest expiry first. */
export function dueMessages(db: Db, now: number, limit: number): Promise<{ id: string; conversation_id: string; seq: number }[]> {
  return db.selectFrom('messages').select(['id', 'conversation_id', 'seq'])
    .where('expires_at', 'is not', null).where('expires_at', '<=', now).where('deleted_at', 'is', null)
    .orderBy('expires_at').limit(limit).execute();
}

export function findPrivacy(db: Db, userId: string): Promise<PrivacyRow | undefined> {
  return db.selectFrom('privacy_settings').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export async function privacyOfUsers(db: Db, userIds: string[]): Promise<Map<string, PrivacyRow>> {
  const found = new Map<string, PrivacyRow>();
  if (userIds.length === 0) return found;
  for (const row of await db.selectFrom('privacy_settings').selectAll().where('user_id', 'in', userIds).execute()) found.set(row.user_id, row);
  return found;
}

export async function savePrivacy(db: Db, row: PrivacyRow): Promise<void> {
  const { user_id: _id, ...change } = row;
  await db.insertInto('privacy_settings').values(row).onConflict((oc) => oc.column('user_id').doUpdateSet(change)).execute();
}
