import { hash, verify } from '@node-rs/argon2';
import pLimit from 'p-limit';

/**
 * Server-side hashing of the client's authKey: argon2id, m=19 MiB, t=2, p=1 (OWASP's minimum), run on libuv's
 * thread pool by @node-rs/argon2 so the event loop stays free.
 */
// algorithm 2 is Algorithm.Argon2id (an ambient const enum, which isolated modules cannot read).
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * At most two hashes at once: libuv's pool has four threads, and the SQLite driver's WAL fdatasync (every commit) and
 * file I/O run there too. A burst of log-ins used to take all four, and everyone's sends waited for a free thread
 * (a 300–450 ms stall in `npm run bench:abuse`'s flood phase). Log-ins queue instead, in order.
 */
export const hashSlots = pLimit(2);

// The key is passed in its canonical base64url text (the binding reads byte arrays as UTF-8 and rejects most keys).
export function hashAuthKey(authKey: string): Promise<string> {
  return hashSlots(() => hash(authKey, OPTIONS));
}

export async function verifyAuthKey(encoded: string, authKey: string): Promise<boolean> {
  try {
    return await hashSlots(() => verify(encoded, authKey));
  } catch {
    return false;
  }
}

/** A hash of random bytes, verified against when an account does not exist so both paths cost the same. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashAuthKey(Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url'));
  return dummy;
}
