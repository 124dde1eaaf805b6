/**
 * The key that seals this device's state on disk: Argon2id(password, a random local salt) → HKDF-SHA256 →
 * a non-extractable AES-256-GCM key, never written anywhere. `store-key.json` (0600) holds only the salt, the KDF
 * parameters and a check value (a known text sealed under the key) that tells a wrong password apart at once.
 * The primitives are the SDK's (src/sdk/crypto/primitives.ts): nothing here is home-made cryptography.
 */
import path from 'node:path';
import { z } from 'zod';
import { argon2id, hkdfAesGcmKey, openAesGcm, sealAesGcm } from '../../sdk/crypto/primitives.js';
import { base64UrlToBytes, bytesToBase64Url } from '../../sdk/encoding.js';
import { DEFAULT_KDF } from '../../sdk/kdf.js';
import { ParleyError } from '../../sdk/errors.js';
import { readFileIfExists, writePrivateFile } from './paths.js';

const KeyFile = z.object({
  v: z.literal(1),
  salt: z.string(),
  kdf: z.object({ memoryKiB: z.number().int(), iterations: z.number().int(), parallelism: z.number().int() }),
  check: z.string(),
});

const CHECK_TEXT = 'parley-cli/store-key/check';
const INFO = 'parley-cli/store-key/v1';
const utf8 = (s: string) => new TextEncoder().encode(s);

async function derive(password: string, salt: Uint8Array, kdf: z.infer<typeof KeyFile>['kdf']): Promise<CryptoKey> {
  const master = await argon2id(password, salt, kdf);
  try {
    return await hkdfAesGcmKey(master, INFO, ['encrypt', 'decrypt']);
  } finally {
    master.fill(0);
  }
}

/** Opens this account's store key with the password; the first time (or after `reset`), makes a new salt. */
export async function openStoreKey(dir: string, username: string, password: string, options: { reset?: boolean } = {}): Promise<CryptoKey> {
  const file = path.join(dir, 'store-key.json');
  const aad = utf8(`${CHECK_TEXT}/${username}`);
  const raw = options.reset ? undefined : readFileIfExists(file);
  if (raw) {
    const saved = KeyFile.parse(JSON.parse(raw.toString('utf8')));
    const key = await derive(password, base64UrlToBytes(saved.salt), saved.kdf);
    try {
      await openAesGcm(key, base64UrlToBytes(saved.check), aad);
    } catch {
      throw new ParleyError('INVALID_CREDENTIALS', 'Wrong password for the state kept on this device.');
    }
    return key;
  }
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const kdf = { memoryKiB: DEFAULT_KDF.memoryKiB, iterations: DEFAULT_KDF.iterations, parallelism: DEFAULT_KDF.parallelism };
  const key = await derive(password, salt, kdf);
  const check = await sealAesGcm(key, utf8(CHECK_TEXT), aad);
  writePrivateFile(file, JSON.stringify({ v: 1, salt: bytesToBase64Url(salt), kdf, check: bytesToBase64Url(check) }) + '\n');
  return key;
}
