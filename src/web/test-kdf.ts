import { KdfParams } from '../protocol/auth.js';

import { TEST_KDF_KEY } from './test-mode.js';

export { TEST_KDF_KEY };

/** KDF parameters from the test override, or undefined. */
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
