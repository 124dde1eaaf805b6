/**
 * An account's standing (suspended, deleted) and the signals that tell running servers of an operator's change.
 * Used by the admin tool and by the account deletion command.
 */
import type { Db } from '../connect.js';
import type { AccountSignalsTable, ConversationMembersTable } from '../schema.js';

export type AccountSignalRow = AccountSignalsTable;

export async function insertAccountSignal(db: Db, row: AccountSignalRow): Promise<void> {
  await db.insertInto('account_signals').values(row).execute();
}

/** Forgets the signals made before `before` (servers only poll the last minutes). */
export async function deleteAccountSignalsBefore(db: Db, before: number): Promise<void> {
  await db.deleteFrom('account_signals').where('created_at', '<', before).execute();
}

/** The signals made since `since`, any order. */
export function accountSignalsSince(db: Db, since: number): Promise<AccountSignalRow[]> {
  return db.selectFrom('account_signals').selectAll().where('created_at', '>=', since).execute();
}

/** Sets or clears (null) the moment an account was suspended. */
export async function setUserSuspended(db: Db, userId: string, at: number | null): Promise<void> {
  await db.updateTable('users').set({ suspended_at: at }).where('id', '=', userId).execute();
}

/** Marks the user row deleted and without credentials (the row stays, so the name stays reserved). */
export async function markUserDeleted(db: Db, userId: string, now: number): Promise<void> {
  await db.updateTable('users').set({ deleted_at: now, suspended_at: null, auth_hash: '' }).where('id', '=', userId).execute();
}

/**
 * Deletes what an account holds besides its messages and memberships: sessions (their ids are returned), devices,
 * key packages, welcomes, identity keys, vault, contacts, requests and blocks, both ways.
 */
export async function eraseAccountData(db: Db, userId: string): Promise<string[]> {
  const sessions = await db.deleteFrom('sessions').where('user_id', '=', userId).returning('id').execute();
  await db.deleteFrom('welcomes').where('user_id', '=', userId).execute();
  await db.deleteFrom('key_packages').where('user_id', '=', userId).execute();
  await db.deleteFrom('devices').where('user_id', '=', userId).execute();
  await db.deleteFrom('identity_key_history').where('user_id', '=', userId).execute();
  await db.deleteFrom('identities').where('user_id', '=', userId).execute();
  await db.deleteFrom('vault_records').where('user_id', '=', userId).execute();
  await db.deleteFrom('vault_keys').where('user_id', '=', userId).execute();
  await db.deleteFrom('contacts').where((eb) => eb.or([eb('user_id', '=', userId), eb('contact_id', '=', userId)])).execute();
  await db.deleteFrom('contact_requests').where((eb) => eb.or([eb('from_id', '=', userId), eb('to_id', '=', userId)])).execute();
  await db.deleteFrom('blocks').where((eb) => eb.or([eb('blocker_id', '=', userId), eb('blocked_id', '=', userId)])).execute();
  return sessions.map((s) => s.id);
}

/** The groups (not direct conversations) the user is a member of, with their role there. */
export function groupMembershipsOfUser(db: Db, userId: string): Promise<{ id: string; role: ConversationMembersTable['role'] }[]> {
  return db
    .selectFrom('conversation_members')
    .innerJoin('conversations', 'conversations.id', 'conversation_members.conversation_id')
    .select(['conversation_members.conversation_id as id', 'conversation_members.role as role'])
    .where('conversation_members.user_id', '=', userId)
    .where('conversations.kind', '=', 'group')
    .execute();
}
