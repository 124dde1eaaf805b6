import { createHash, createHmac, randomBytes } from 'node:crypto';

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
