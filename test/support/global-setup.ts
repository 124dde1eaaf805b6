import { execFileSync } from 'node:child_process';

/** Builds the web UI once if it is missing or stale, for the browser tests and the served pages. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/ensure-build.mjs', '--web-only'], { stdio: 'inherit' });
}
