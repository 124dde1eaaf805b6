/**
 * Safety numbers: 60 digits both users compute from their two identity keys (and user names), equal on both sides;
 * comparing them (read aloud, or by scanning the QR code) detects a directory that handed out a false key. The
 * construction is Signal's numeric fingerprint: per user, SHA-512 iterated 5,200 times over (version, key, name),
 * the first 30 bytes read as six 40-bit numbers mod 100,000; the two halves sorted and joined. SHA-512 from
 * @noble/hashes (through src/sdk/crypto/primitives.ts).
 */
import { concatBytes as concat } from '../crypto/bytes.js';
import { sha512 } from '../crypto/primitives.js';

const ITERATIONS = 5200;
const VERSION = 0;

function half(identityKey: Uint8Array, username: string): string {
  let hash = concat(new Uint8Array([0, VERSION]), identityKey, new TextEncoder().encode(username));
  for (let i = 0; i < ITERATIONS; i++) hash = sha512(concat(hash, identityKey));
  let digits = '';
  for (let chunk = 0; chunk < 6; chunk++) {
    let n = 0n;
    for (let b = 0; b < 5; b++) n = (n << 8n) | BigInt(hash[chunk * 5 + b] ?? 0);
    digits += (n % 100000n).toString().padStart(5, '0');
  }
  return digits;
}

export interface Party {
  username: string;
  identityKey: Uint8Array;
}

/** The 60-digit safety number of two users: the same whichever of them computes it. */
export function safetyNumber(a: Party, b: Party): string {
  return [half(a.identityKey, a.username), half(b.identityKey, b.username)].sort().join('');
}

/** Twelve groups of five digits, as shown to people. */
export function formatSafetyNumber(digits: string): string[] {
  return digits.match(/.{5}/g) ?? [];
}
