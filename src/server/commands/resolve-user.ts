import type { Db } from '../db/connect.js';
import { findUserByUsername, type UserRow } from '../db/repositories/users.js';
import { AppError } from '../errors.js';
import type { Actor } from '../policies/actor.js';

/**
 * A user name → that user, or undefined for a name nobody has; naming yourself is refused (CONFLICT).
 *
 * No user-name oracle: every caller answers a name without an account exactly as it answers an account that is a
 * stranger to the actor (same code, same message, the name as typed), so contact and conversation events do not tell
 * whether a name exists. Sign-up's USERNAME_TAKEN is the one place that must (docs/SECURITY.md).
 */
export async function findOtherUser(db: Db, actor: Actor, username: string): Promise<UserRow | undefined> {
  const user = await findUserByUsername(db, username);
  if (!user || user.deleted_at) return undefined;
  if (user.id === actor.user.id) throw new AppError('CONFLICT', 'That is you.');
  return user;
}
