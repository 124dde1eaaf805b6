import type { PreloginRequest, PreloginResponse } from '../../protocol/auth.js';
import { PRODUCTION_MIN_KDF } from '../config.js';
import { findUserByUsername, usernameKey } from '../db/repositories/users.js';
import type { Deps } from '../deps.js';
import { fakeSalt } from '../security/tokens.js';

/**
 * The KDF parameters and salt for a user name. A name with no account gets a stable fake salt and the default
 * parameters, so the answer does not tell whether the account exists.
 */
export async function prelogin(deps: Deps, input: PreloginRequest): Promise<PreloginResponse> {
  const user = await findUserByUsername(deps.db, input.username);
  // A deleted account answers like a missing one (its reservation keeps no salt).
  if (user && !user.deleted_at) {
    return {
      salt: user.kdf_salt,
      kdf: {
        algorithm: 'argon2id',
        memoryKiB: user.kdf_memory_kib,
        iterations: user.kdf_iterations,
        parallelism: user.kdf_parallelism,
      },
    };
  }
  return {
    salt: fakeSalt(deps.preloginSecret, usernameKey(input.username)),
    kdf: { algorithm: 'argon2id', ...PRODUCTION_MIN_KDF },
  };
}
