// Must stay the first import: it configures zod before the protocol schemas are built.
import './zod-config.js';
import { ParleyClient } from '../sdk/index.js';
import { deriveMasterInWorker } from './worker-kdf.js';
import { openE2eeInWorker } from './e2ee-in-worker.js';
import { readTestKdf } from './test-kdf.js';

/**
 * The test build's fast KDF parameters, or undefined for the production defaults (64 MiB, t=3, p=1). Only the test
 * build (`vite build --mode test`) reads the override at all: elsewhere this is `undefined` and the hook is not in the
 * bundle.
 */
export const testKdf = __PARLEY_TEST_BUILD__ ? readTestKdf() : undefined;

/** The one client of the page: same origin, KDF in a Web Worker, end-to-end encryption on. */
export const client = new ParleyClient({
  baseUrl: location.origin,
  deriveMaster: deriveMasterInWorker,
  // MLS runs in a Web Worker, with this browser's device, MLS state and read messages sealed at rest in IndexedDB
  // (shared by its tabs under Web Locks).
  openE2ee: openE2eeInWorker,
  ...(testKdf ? { kdf: testKdf, minKdf: testKdf } : {}),
});
