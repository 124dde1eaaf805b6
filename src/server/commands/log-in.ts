import type { LoginRequest } from '../../protocol/auth.js';
import { findUserByUsername, usernameKey, type UserRow } from '../db/repositories/users.js';
import type { SessionRow } from '../db/repositories/sessions.js';
import type { Deps, RequestMeta } from '../deps.js';
import { AppError } from '../errors.js';
import { dummyHash, verifyAuthKey } from '../security/password-hash.js';
import { assertNotExhausted, penalize } from '../security/rate-limits.js';
import { createSession } from './create-session.js';

const INVALID = () => new AppError('INVALID_CREDENTIALS', 'The user name or password is incorrect.');

/**
 * Checks the authKey and opens a new session. Failures are counted per account and per address; once either is
 * exhausted the answer is 429 with Retry-After, whether or not the key is right.
 */
export async function logIn(
  deps: Deps,
  input: LoginRequest,
  meta: RequestMeta,
): Promise<{ user: UserRow; session: SessionRow; token: string }> {
  const accountKey = usernameKey(input.username);
  await assertNotExhausted(deps.limiters.loginPerAccount, accountKey);
  await assertNotExhausted(deps.limiters.loginPerAddress, meta.ip);

  const user = await findUserByUsername(deps.db, input.username);
  const key = input.authKey;
  const ok = user ? await verifyAuthKey(user.auth_hash, key) : (await verifyAuthKey(await dummyHash(), key), false);
  if (!user || !ok) {
    await Promise.all([
      penalize(deps.limiters.loginPerAccount, accountKey),
      penalize(deps.limiters.loginPerAddress, meta.ip),
    ]);
    throw INVALID();
  }
  await deps.limiters.loginPerAccount.delete(accountKey).catch(() => undefined);
  const { token, session } = await createSession(deps.db, deps.config, user.id, meta);
  return { user, session, token };
}
