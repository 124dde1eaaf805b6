/**
 * An account's standing (suspended, deleted) and the signals that tell running servers of an operator's change.
 * Used by the admin tool and by the account deletion command.
 */
import type { Db } from '../connect.js';
import type { AccountSignalsTable } from '../schema.js';

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
