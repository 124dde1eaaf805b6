import type { Db } from '../db/connect.js';
import { findUserByUsername, type UserRow } from '../db/repositories/users.js';
import { AppError, notFound } from '../errors.js';
import type { Actor } from '../policies/actor.js';

/** A user name → that user, or NOT_FOUND; naming yourself is refused. */
export async function resolveOtherUser(db: Db, actor: Actor, username: string): Promise<UserRow> {
  const user = await findUserByUsername(db, username);
  if (!user || user.deleted_at) throw notFound(`No user is called ${username}.`);
  if (user.id === actor.user.id) throw new AppError('CONFLICT', 'That is you.');
  return user;
}
