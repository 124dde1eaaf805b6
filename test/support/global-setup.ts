import { execFileSync } from 'node:child_process';

/**
 * Builds the web UI once if it is missing or stale: the test build (dist/web-test, with the fast-KDF hook) that test
 * servers serve to the browser tests, and the production build (dist/web) that test/unit/production-bundle.test.ts
 * checks for test hooks.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/ensure-build.mjs', '--web-only', '--test-web'], { stdio: 'inherit' });
}
