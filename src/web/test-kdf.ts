import { KdfParams } from '../protocol/auth.js';

/**
 * A test hook, compiled into the test build only (see `__PARLEY_TEST_BUILD__` in vite.config.ts): the localStorage
 * key a test harness sets (before the page loads) to use fast KDF parameters against a test server.
 */
export const TEST_KDF_KEY = 'parley:test-kdf';

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
