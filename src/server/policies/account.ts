import { AppError } from '../errors.js';
import type { Actor } from './actor.js';

/**
 * Deleting an account: only its own user, from one of its sessions, and only with a fresh proof of the password
 * (the authKey the log-in sends, checked against the stored hash). A stolen session cookie alone cannot delete.
 */
export function assertMayDeleteAccount(actor: Actor, passwordProven: boolean): void {
  if (actor.user.deleted_at || actor.session.user_id !== actor.user.id) {
    throw new AppError('UNAUTHENTICATED', 'You are not signed in.');
  }
  if (!passwordProven) throw new AppError('INVALID_CREDENTIALS', 'The password is incorrect.');
}
