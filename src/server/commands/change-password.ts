import type { ChangePasswordRequest } from '../../protocol/auth.js';
import { deleteOtherSessions } from '../db/repositories/sessions.js';
import { updateUserCredentials } from '../db/repositories/users.js';
import type { Deps } from '../deps.js';
import { AfterCommit } from '../events/domain-events.js';
import { AppError } from '../errors.js';
import type { Actor } from '../policies/actor.js';
import { hashAuthKey, verifyAuthKey } from '../security/password-hash.js';
import { consumeOrThrow } from '../security/rate-limits.js';
import { assertKdfStrongEnough } from './kdf-policy.js';

/** Needs the current key; stores the new salt, parameters and key; ends every other session of the user. */
export async function changePassword(deps: Deps, actor: Actor, input: ChangePasswordRequest): Promise<void> {
  assertKdfStrongEnough(input.newKdf, deps.config.minKdf);
  const accountKey = actor.user.username_key;
  // The point is taken before the check (as at log-in), so parallel guesses cannot outrun the counter.
  await consumeOrThrow(deps.limiters.loginPerAccount, accountKey);
  if (!(await verifyAuthKey(actor.user.auth_hash, input.currentAuthKey))) {
    throw new AppError('INVALID_CREDENTIALS', 'The current password is incorrect.');
  }
  await deps.limiters.loginPerAccount.delete(accountKey).catch(() => undefined);
  const authHash = await hashAuthKey(input.newAuthKey);
  const afterCommit = new AfterCommit();
  await deps.db.transaction().execute(async (trx) => {
    await updateUserCredentials(trx, actor.user.id, {
      kdf_salt: input.newSalt,
      kdf_memory_kib: input.newKdf.memoryKiB,
      kdf_iterations: input.newKdf.iterations,
      kdf_parallelism: input.newKdf.parallelism,
      auth_hash: authHash,
    });
    const revoked = await deleteOtherSessions(trx, actor.user.id, actor.session.id);
    afterCommit.add({ type: 'sessions.revoked', sessionIds: revoked, reason: 'password-changed' });
  });
  afterCommit.flush(deps.events);
}
