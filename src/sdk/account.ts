import { PreloginResponse, type KdfParams } from '../protocol/auth.js';
import { base64UrlToBytes } from './encoding.js';
import { ParleyError } from './errors.js';
import type { HttpClient } from './http.js';
import { deriveKeys, kdfAtLeast, type DeriveMaster, type DerivedKeys } from './kdf.js';

/**
 * The proof of a password the server accepts, made as the log-in makes it: prelogin for the salt and parameters
 * (refused if weaker than `minKdf`), Argon2id on this device, HKDF to the authKey. The password never leaves.
 */
export async function provePassword(
  http: HttpClient,
  username: string,
  password: string,
  minKdf: Omit<KdfParams, 'algorithm'>,
  deriveMaster: DeriveMaster | undefined,
): Promise<DerivedKeys> {
  const pre = await http.request('POST', '/api/auth/prelogin', PreloginResponse, { username });
  if (!kdfAtLeast(pre.kdf, minKdf)) {
    throw new ParleyError('KDF_REFUSED', 'The server asked for weaker password hashing than this client accepts.');
  }
  return deriveKeys(password, base64UrlToBytes(pre.salt), pre.kdf, deriveMaster);
}
