/** Set by vite.config.ts: true only in the test build (`vite build --mode test`), whose test hooks exist. */
declare const __PARLEY_TEST_BUILD__: boolean;
