import type { DeleteAccountRequest } from '../../protocol/account.js';
import type { Deps } from '../deps.js';
import { assertMayDeleteAccount } from '../policies/account.js';
import type { Actor } from '../policies/actor.js';
import { verifyAuthKey } from '../security/password-hash.js';
import { consumeOrThrow } from '../security/rate-limits.js';
import { deleteAccount } from './delete-account.js';

/**
 * The user deletes their own account. The password is proven as at log-in (its authKey, never the password), and
 * the guesses are counted on the same per-account budget as log-in, taken before the check.
 */
export async function deleteOwnAccount(deps: Deps, actor: Actor, input: DeleteAccountRequest): Promise<void> {
  const accountKey = actor.user.username_key;
  await consumeOrThrow(deps.limiters.loginPerAccount, accountKey);
  assertMayDeleteAccount(actor, await verifyAuthKey(actor.user.auth_hash, input.authKey));
  await deps.limiters.loginPerAccount.delete(accountKey).catch(() => undefined);
  await deleteAccount(deps.db, deps.events, actor.user.id, {
    blobs: deps.blobs,
    warn: (err) => deps.log.warn({ err }, 'files of a deleted account not removed'),
  });
}
