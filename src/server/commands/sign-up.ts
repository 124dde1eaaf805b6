import type { SignupRequest } from '../../protocol/auth.js';
import { findUserByUsername, insertUser, usernameKey, type UserRow } from '../db/repositories/users.js';
import type { SessionRow } from '../db/repositories/sessions.js';
import type { Deps, RequestMeta } from '../deps.js';
import { AppError } from '../errors.js';
import { hashAuthKey } from '../security/password-hash.js';
import { consumeOrThrow } from '../security/rate-limits.js';
import { assertKdfStrongEnough } from './kdf-policy.js';
import { createSession } from './create-session.js';

const taken = () => new AppError('USERNAME_TAKEN', 'That user name is taken. Choose another.');

export async function signUp(
  deps: Deps,
  input: SignupRequest,
  meta: RequestMeta,
): Promise<{ user: UserRow; session: SessionRow; token: string }> {
  assertKdfStrongEnough(input.kdf, deps.config.minKdf);
  await consumeOrThrow(deps.limiters.signupPerAddress, meta.ip);
  if (await findUserByUsername(deps.db, input.username)) throw taken();

  const authHash = await hashAuthKey(input.authKey);
  const user: UserRow = {
    id: crypto.randomUUID(),
    username: input.username,
    username_key: usernameKey(input.username),
    kdf_salt: input.salt,
    kdf_memory_kib: input.kdf.memoryKiB,
    kdf_iterations: input.kdf.iterations,
    kdf_parallelism: input.kdf.parallelism,
    auth_hash: authHash,
    created_at: Date.now(),
  };
  try {
    return await deps.db.transaction().execute(async (trx) => {
      await insertUser(trx, user);
      const { token, session } = await createSession(trx, deps.config, user.id, meta);
      return { user, session, token };
    });
  } catch (e) {
    // Two sign-ups raced for one name: the unique index decides.
    if (await findUserByUsername(deps.db, input.username)) throw taken();
    throw e;
  }
}
