import { hash, verify } from '@node-rs/argon2';
import pLimit from 'p-limit';

/**
 * Server-side hashing of the client's authKey: argon2id, m=19 MiB, t=2, p=1 (OWASP's minimum), run on libuv's
 * thread pool by @node-rs/argon2 so the event loop stays free.
 */
// algorithm 2 is Algorithm.Argon2id (an ambient const enum, which isolated modules cannot read).
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
/** Test servers only (`PARLEY_INSECURE_TEST_SERVER_HASH`, refused unless NODE_ENV=test): a load benchmark's 50,000 sign-ups. */
const INSECURE_TEST_OPTIONS = { algorithm: 2, memoryCost: 256, timeCost: 1, parallelism: 1 } as const;
let options: typeof OPTIONS | typeof INSECURE_TEST_OPTIONS = OPTIONS;

/** Called once at start-up from the config; verification reads the parameters stored in each hash either way. */
export function useInsecureTestServerHash(on: boolean): void {
  options = on ? INSECURE_TEST_OPTIONS : OPTIONS;
}

/**
 * At most two hashes at once: libuv's pool has four threads, and the SQLite driver's WAL fdatasync (every commit) and
 * file I/O run there too. A burst of log-ins used to take all four, and everyone's sends waited for a free thread
 * (a 300–450 ms stall in `npm run bench:abuse`'s flood phase). Log-ins queue instead, in order.
 */
export const hashSlots = pLimit(2);

// The key is passed in its canonical base64url text (the binding reads byte arrays as UTF-8 and rejects most keys).
export function hashAuthKey(authKey: string): Promise<string> {
  return hashSlots(() => hash(authKey, options));
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
