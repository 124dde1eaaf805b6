/**
 * Recovery keys, on the client. A key is 160 random bits shown once as 32 Crockford base32 characters in groups of four.
 * From it (HKDF-SHA256, no password stretching needed at this entropy): a recoveryAuthKey the server stores only as
 * Argon2id, and a wrapping secret that seals the vaultKey (AES-256-GCM, the escrow). The wrapping secret is also kept
 * sealed under the vaultKey (the box), so a password change re-seals the escrow without the key. WebCrypto primitives
 * only (crypto/primitives.ts); nothing here is hand-made cryptography. The server never learns the key or what it seals.
 */
import type { DerivedKeys } from './kdf.js';
import { OkResponse, type KdfParams, type UserDto } from '../protocol/auth.js';
import { RecoverResponse, RecoveryStatusResponse } from '../protocol/recovery.js';
import { hkdfAesGcmKey, hkdfSha256, importAesGcmKey, openAesGcm, sealAesGcm } from './crypto/primitives.js';
import { base64UrlToBytes, bytesToBase64Url } from './encoding.js';
import { ParleyError } from './errors.js';
import type { HttpClient } from './http.js';

export const RECOVERY_KEY_BYTES = 20;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Crockford base32, groups of four joined by "-": 32 characters for 20 bytes. */
export function formatRecoveryKey(key: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of key) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out.match(/.{1,4}/g)?.join('-') ?? out;
}

/** Reads a key as typed: case, spaces and dashes do not matter; O is read as 0, I and L as 1. */
export function parseRecoveryKey(text: string): Uint8Array {
  const clean = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (clean.length !== 32 || [...clean].some((c) => !ALPHABET.includes(c))) {
    throw new ParleyError('VALIDATION_FAILED', 'A recovery key is 32 letters and digits (groups of four).');
  }
  const out = new Uint8Array(RECOVERY_KEY_BYTES);
  let bits = 0;
  let value = 0;
  let i = 0;
  for (const c of clean) {
    value = (value << 5) | ALPHABET.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out[i++] = (value >>> (bits - 8)) & 255;
      bits -= 8;
      value &= (1 << bits) - 1;
    }
  }
  return out;
}

interface RecoverySecrets {
  authKey: string;
  wrap: Uint8Array;
}

async function secretsOf(key: Uint8Array): Promise<RecoverySecrets> {
  const [auth, wrap] = await Promise.all([hkdfSha256(key, 'parley/recovery/auth'), hkdfSha256(key, 'parley/recovery/wrap')]);
  return { authKey: bytesToBase64Url(auth), wrap };
}

const escrowAad = (username: string) => utf8(`parley/recovery/escrow\u0000${username.toLowerCase()}`);
const boxAad = (username: string) => utf8(`parley/recovery/box\u0000${username.toLowerCase()}`);
const boxKey = (vaultKey: Uint8Array) => hkdfAesGcmKey(vaultKey, 'parley/recovery/box', ['encrypt', 'decrypt']);

async function sealed(wrap: Uint8Array, vaultKey: Uint8Array, username: string): Promise<{ escrow: string; box: string }> {
  const escrow = await sealAesGcm(await importAesGcmKey(wrap), vaultKey, escrowAad(username));
  const box = await sealAesGcm(await boxKey(vaultKey), wrap, boxAad(username));
  return { escrow: bytesToBase64Url(escrow), box: bytesToBase64Url(box) };
}

/** What the recovery API needs of the client: the signed-in user, and a fresh proof of the password with its keys. */
export interface RecoveryHost {
  http: HttpClient;
  username(): Promise<string>;
  /** The password's keys: proven now with `password`, or those this client holds since sign-up or log-in. */
  keys(password: string | undefined): Promise<DerivedKeys>;
}

export class RecoveryApi {
  constructor(private readonly host: RecoveryHost) {}

  /**
   * Makes a new recovery key (replacing any earlier one) and returns it, once: show it to the user and forget it.
   * Needs the password (or the keys this client holds since it signed up or logged in).
   */
  async create(password?: string): Promise<string> {
    const username = await this.host.username();
    const { authKey, vaultKey } = await this.host.keys(password);
    const key = globalThis.crypto.getRandomValues(new Uint8Array(RECOVERY_KEY_BYTES));
    const secrets = await secretsOf(key);
    await this.host.http.request('PUT', '/api/recovery', OkResponse, {
      currentAuthKey: authKey,
      recoveryAuthKey: secrets.authKey,
      ...(await sealed(secrets.wrap, vaultKey, username)),
    });
    return formatRecoveryKey(key);
  }

  /** Whether the user has a recovery key, and since when. */
  async status(): Promise<{ createdAt: string; updatedAt: string } | null> {
    const { recovery } = await this.host.http.request('GET', '/api/recovery', RecoveryStatusResponse);
    return recovery ? { createdAt: recovery.createdAt, updatedAt: recovery.updatedAt } : null;
  }

  /** After a password change: the existing key's escrow and box sealed under the new vaultKey (nothing if no key). */
  async passwordChanged(username: string, oldVaultKey: Uint8Array, next: DerivedKeys): Promise<void> {
    const { recovery } = await this.host.http.request('GET', '/api/recovery', RecoveryStatusResponse);
    if (!recovery) return;
    const wrap = await openAesGcm(await boxKey(oldVaultKey), base64UrlToBytes(recovery.box), boxAad(username));
    await this.host.http.request('POST', '/api/recovery/reseal', OkResponse, { currentAuthKey: next.authKey, ...(await sealed(wrap, next.vaultKey, username)) });
  }
}

/**
 * Sets a new password with the recovery key (`POST /api/auth/recover`) and returns the user and the vaultKey the
 * escrow held (the old password's), for the client to open its vault and re-wrap it under `next`.
 */
export async function recoverWithKey(
  http: HttpClient,
  input: { username: string; recoveryKey: string; salt: string; kdf: KdfParams; next: DerivedKeys },
): Promise<{ user: UserDto; oldVaultKey: Uint8Array; reseal: () => Promise<void> }> {
  const secrets = await secretsOf(parseRecoveryKey(input.recoveryKey));
  const res = await http.request('POST', '/api/auth/recover', RecoverResponse, {
    username: input.username,
    recoveryAuthKey: secrets.authKey,
    newSalt: input.salt,
    newKdf: input.kdf,
    newAuthKey: input.next.authKey,
  });
  const oldVaultKey = await openAesGcm(await importAesGcmKey(secrets.wrap), base64UrlToBytes(res.escrow), escrowAad(res.user.username)).catch(() => {
    throw new ParleyError('BAD_RESPONSE', 'The recovery key did not open the stored escrow.');
  });
  const reseal = async () => {
    await http.request('POST', '/api/recovery/reseal', OkResponse, {
      currentAuthKey: input.next.authKey,
      ...(await sealed(secrets.wrap, input.next.vaultKey, res.user.username)),
    });
  };
  return { user: res.user, oldVaultKey, reseal };
}
