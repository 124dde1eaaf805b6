import type { Db } from '../connect.js';
import type { UsersTable } from '../schema.js';

export type UserRow = UsersTable;

export const usernameKey = (username: string) => username.toLowerCase();

export function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username_key', '=', usernameKey(username)).executeTakeFirst();
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertUser(db: Db, row: UserRow): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function updateUserCredentials(
  db: Db,
  id: string,
  values: Pick<UserRow, 'kdf_salt' | 'kdf_memory_kib' | 'kdf_iterations' | 'kdf_parallelism' | 'auth_hash'>,
): Promise<void> {
  await db.updateTable('users').set(values).where('id', '=', id).execute();
}

/** The users with these names (any letter case); names without an account are simply absent. */
export function findUsersByUsernames(db: Db, usernames: string[]): Promise<UserRow[]> {
  if (usernames.length === 0) return Promise.resolve([]);
  return db.selectFrom('users').selectAll().where('username_key', 'in', [...new Set(usernames.map(usernameKey))]).execute();
}
