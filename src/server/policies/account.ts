import { AppError } from '../errors.js';
import type { UserRow } from '../db/repositories/users.js';
import type { Actor } from './actor.js';

/**
 * Actions that could take the account away from its owner (deleting it, setting a recovery key) need more than the
 * session: a fresh proof of the password (the authKey the log-in sends, checked against the stored hash). A stolen
 * session cookie alone can do neither.
 */
export function assertReauthenticated(actor: Actor, passwordProven: boolean): void {
  if (actor.user.deleted_at || actor.session.user_id !== actor.user.id) {
    throw new AppError('UNAUTHENTICATED', 'You are not signed in.');
  }
  if (!passwordProven) throw new AppError('INVALID_CREDENTIALS', 'The password is incorrect.');
}

/** Deleting an account: only its own user, from one of its sessions, with the password proven. */
export const assertMayDeleteAccount = assertReauthenticated;
/** Setting or re-sealing a recovery key: the same. */
export const assertMaySetRecovery = assertReauthenticated;

/**
 * Recovering with a recovery key: a user that exists, is not deleted, has a recovery key, and whose key was proven.
 * Anything else answers like a wrong key (no oracle for names or for who has a key); a suspension is said only to
 * whoever proved the key, as at log-in.
 */
export function assertMayRecover(user: UserRow | undefined, hasKey: boolean, keyProven: boolean): asserts user is UserRow {
  if (!user || user.deleted_at || !hasKey || !keyProven) {
    throw new AppError('INVALID_CREDENTIALS', 'The user name or recovery key is incorrect.');
  }
  if (user.suspended_at) throw new AppError('ACCOUNT_SUSPENDED', 'This account is suspended by the server operator.');
}
