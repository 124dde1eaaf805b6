import { DEFAULT_KDF, type KdfParams } from '../protocol/auth.js';
import { argon2id, hkdfSha256 } from './crypto/primitives.js';
import { bytesToBase64Url } from './encoding.js';

export { DEFAULT_KDF };

/** Computes master = Argon2id(password, salt). Browsers run it in a Web Worker (see src/web/kdf-worker.ts). */
export type DeriveMaster = (password: string, salt: Uint8Array, params: KdfParams) => Promise<Uint8Array>;

export const deriveMasterInThread: DeriveMaster = (password, salt, params) => argon2id(password, salt, params);

const hkdf = (master: Uint8Array, info: string) => hkdfSha256(master, info);

export interface DerivedKeys {
  /** Sent to the server, which stores only argon2id(authKey). */
  authKey: string;
  /** Never leaves the client: it wraps the user's end-to-end keys. */
  vaultKey: Uint8Array;
}

/** authKey = HKDF-SHA256(master, "parley/auth"), vaultKey = HKDF-SHA256(master, "parley/vault"). */
export async function deriveKeys(
  password: string,
  salt: Uint8Array,
  params: KdfParams,
  deriveMaster: DeriveMaster = deriveMasterInThread,
): Promise<DerivedKeys> {
  const master = await deriveMaster(password, salt, params);
  try {
    const [auth, vault] = await Promise.all([hkdf(master, 'parley/auth'), hkdf(master, 'parley/vault')]);
    return { authKey: bytesToBase64Url(auth), vaultKey: vault };
  } finally {
    master.fill(0);
  }
}

export function newSalt(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(16));
}

export function kdfAtLeast(params: KdfParams, min: Omit<KdfParams, 'algorithm'>): boolean {
  return params.memoryKiB >= min.memoryKiB && params.iterations >= min.iterations && params.parallelism >= min.parallelism;
}
