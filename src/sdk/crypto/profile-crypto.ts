/**
 * Profiles sealed on the client: the display name and avatar under the user's random 32-byte profile key, with
 * XChaCha20-Poly1305 from @noble/ciphers (a random 24-byte nonce per seal, so a key can seal many versions). The
 * associated data binds the blob to its owner and version: the server cannot swap one user's blob for another's, nor
 * replay an older version under a newer number.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/ciphers/utils.js';

export const PROFILE_KEY_BYTES = 32;
const NONCE_BYTES = 24;
const encoder = new TextEncoder();

const aad = (userId: string, version: number) => encoder.encode(`parley-profile/v1|${userId}|${version}`);

export function newProfileKey(): Uint8Array {
  return randomBytes(PROFILE_KEY_BYTES);
}

/** nonce (24) ‖ ciphertext ‖ tag (16). */
export function sealProfile(key: Uint8Array, userId: string, version: number, plaintext: Uint8Array): Uint8Array {
  if (key.length !== PROFILE_KEY_BYTES) throw new Error('sealProfile: the profile key must be 32 bytes');
  const nonce = randomBytes(NONCE_BYTES);
  const sealed = xchacha20poly1305(key, nonce, aad(userId, version)).encrypt(plaintext);
  const out = new Uint8Array(NONCE_BYTES + sealed.length);
  out.set(nonce);
  out.set(sealed, NONCE_BYTES);
  return out;
}

/** The plaintext, or undefined if the key, owner or version do not match (or the blob was altered). */
export function openProfile(key: Uint8Array, userId: string, version: number, blob: Uint8Array): Uint8Array | undefined {
  if (key.length !== PROFILE_KEY_BYTES || blob.length < NONCE_BYTES + 16) return undefined;
  try {
    return xchacha20poly1305(key, blob.subarray(0, NONCE_BYTES), aad(userId, version)).decrypt(blob.subarray(NONCE_BYTES));
  } catch {
    return undefined;
  }
}
