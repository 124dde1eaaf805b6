// Must stay the first import: it configures zod before the protocol schemas are built.
import './zod-config.js';
import { ParleyClient } from '../sdk/client.js';
import { deriveMasterInWorker } from './worker-kdf.js';
import { openE2eeInWorker } from './e2ee-in-worker.js';
import { testKdf } from './test-kdf.js';

export { readTestKdf, TEST_KDF_KEY, testKdf } from './test-kdf.js';

/** The one client of the page: same origin, KDF in a Web Worker, end-to-end encryption on. */
export const client = new ParleyClient({
  baseUrl: location.origin,
  deriveMaster: deriveMasterInWorker,
  // MLS runs in a Web Worker, with this browser's device, MLS state and read messages sealed at rest in IndexedDB
  // (shared by its tabs under Web Locks).
  openE2ee: openE2eeInWorker,
  ...(testKdf ? { kdf: testKdf, minKdf: testKdf } : {}),
});
