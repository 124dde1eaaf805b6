import { KdfParams } from '../protocol/auth.js';
import { TEST_KDF_KEY } from './test-mode.js';

export { TEST_KDF_KEY };

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
