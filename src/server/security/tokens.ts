import { createHash, createHmac, randomBytes, randomFillSync, randomUUID, timingSafeEqual } from 'node:crypto';

/** A 256-bit random session token, base64url. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens are stored only as SHA-256: a stolen database holds no usable session. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The stable fake salt for a user name with no account: HMAC-SHA256(secret, name) cut to 16 bytes. */
export function fakeSalt(secret: Buffer, usernameKey: string): string {
  return createHmac('sha256', secret).update(`parley/prelogin-salt\0${usernameKey}`).digest().subarray(0, 16).toString('base64url');
}

/** Constant-time equality of two byte strings (of public length). */
export const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && timingSafeEqual(a, b);

/** Fills the buffer with random bytes (the server's id pool, src/server/ids.ts). */
export const fillRandom = (buffer: Uint8Array): void => void randomFillSync(buffer);

/** `size` random bytes, base64 (server secrets). */
export const randomBase64 = (size: number): string => randomBytes(size).toString('base64');

/** Two secrets compared in constant time (both hashed to the same length first, so their lengths do not leak). */
export const sameSecret = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** A random (version 4) UUID: an id that says nothing of when it was made. */
export const randomId = (): string => randomUUID();
