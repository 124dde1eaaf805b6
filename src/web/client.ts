import { KdfParams } from '../protocol/auth.js';
import { ParleyClient } from '../sdk/index.js';
import { deriveMasterInWorker } from './worker-kdf.js';
import { openE2eeInWorker } from './e2ee-in-worker.js';

/** localStorage key a test harness sets (before the page loads) to use fast KDF parameters against a test server. */
export const TEST_KDF_KEY = 'parley:test-kdf';

/**
 * KDF parameters from the test override, or undefined for the production defaults (64 MiB, t=3, p=1).
 * A production server refuses parameters below its own minimum, so the override cannot weaken a real account.
 */
export function readTestKdf(): KdfParams | undefined {
  try {
    const raw = globalThis.localStorage?.getItem(TEST_KDF_KEY);
    if (!raw) return undefined;
    const parsed = KdfParams.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export const testKdf = readTestKdf();

/** The one client of the page: same origin, KDF in a Web Worker, end-to-end encryption on. */
export const client = new ParleyClient({
  baseUrl: location.origin,
  deriveMaster: deriveMasterInWorker,
  // MLS runs in a Web Worker, with this browser's device, MLS state and read messages sealed at rest in IndexedDB
  // (shared by its tabs under Web Locks).
  openE2ee: openE2eeInWorker,
  ...(testKdf ? { kdf: testKdf, minKdf: testKdf } : {}),
});
