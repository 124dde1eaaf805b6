import type { LoginRequest } from '../../protocol/auth.js';
import { findUserByUsername, usernameKey, type UserRow } from '../db/repositories/users.js';
import type { SessionRow } from '../db/repositories/sessions.js';
import type { Deps, RequestMeta } from '../deps.js';
import { AppError } from '../errors.js';
import { dummyHash, verifyAuthKey } from '../security/password-hash.js';
import { consumeOrThrow } from '../security/rate-limits.js';
import { createSession } from './create-session.js';

const INVALID = () => new AppError('INVALID_CREDENTIALS', 'The user name or password is incorrect.');

/**
 * Checks the authKey and opens a new session. Attempts are counted per account and per address; once either is
 * exhausted the answer is 429 with Retry-After, whether or not the key is right. Each attempt takes its point
 * before the key is checked (atomically in the store), so parallel guesses cannot outrun the counter; a success
 * clears the account's count and gives the address its point back.
 */
export async function logIn(
  deps: Deps,
  input: LoginRequest,
  meta: RequestMeta,
): Promise<{ user: UserRow; session: SessionRow; token: string }> {
  const accountKey = usernameKey(input.username);
  await consumeOrThrow(deps.limiters.loginPerAddress, meta.ip);
  await consumeOrThrow(deps.limiters.loginPerAccount, accountKey);

  const found = await findUserByUsername(deps.db, input.username);
  // A deleted account answers like a missing one (its name stays reserved).
  const user = found?.deleted_at ? undefined : found;
  const key = input.authKey;
  const ok = user ? await verifyAuthKey(user.auth_hash, key) : (await verifyAuthKey(await dummyHash(), key), false);
  if (!user || !ok) throw INVALID();
  // Said only to whoever proves the password, so suspensions cannot be probed by name.
  if (user.suspended_at) throw new AppError('ACCOUNT_SUSPENDED', 'This account is suspended by the server operator.');
  await Promise.all([
    deps.limiters.loginPerAccount.delete(accountKey).catch(() => undefined),
    deps.limiters.loginPerAddress.reward(meta.ip, 1).catch(() => undefined),
  ]);
  const { token, session } = await createSession(deps.db, deps.config, user.id, meta);
  return { user, session, token };
}
