import { argon2id } from 'hash-wasm';
import { DEFAULT_KDF, type KdfParams } from '../protocol/auth.js';
import { bytesToBase64Url } from './encoding.js';

export { DEFAULT_KDF };

/** Computes master = Argon2id(password, salt). Browsers run it in a Web Worker (see src/web/kdf-worker.ts). */
export type DeriveMaster = (password: string, salt: Uint8Array, params: KdfParams) => Promise<Uint8Array>;

export const deriveMasterInThread: DeriveMaster = async (password, salt, params) =>
  argon2id({
    password,
    salt,
    parallelism: params.parallelism,
    iterations: params.iterations,
    memorySize: params.memoryKiB,
    hashLength: 32,
    outputType: 'binary',
  });

async function hkdf(master: Uint8Array, info: string): Promise<Uint8Array> {
  const subtle = globalThis.crypto.subtle;
  const key = await subtle.importKey('raw', master as BufferSource, 'HKDF', false, ['deriveBits']);
  const bits = await subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode(info) },
    key,
    256,
  );
  return new Uint8Array(bits);
}

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
