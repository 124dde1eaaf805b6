/** localStorage key a test harness sets (before the page loads) to use fast KDF parameters against a test server. */
export const TEST_KDF_KEY = 'parley:test-kdf';

/**
 * True when the test KDF override is present: the page shows its "Test mode" banner. Read without zod (not part of
 * the first load); the client validates the parameters themselves (test-kdf.ts) before using them.
 */
export const testModeRequested = ((): boolean => {
  if (!__PARLEY_TEST_BUILD__) return false;
  try {
    return globalThis.localStorage?.getItem(TEST_KDF_KEY) != null;
  } catch {
    return false;
  }
})();
