import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_WEB_ROOT, WEB_ROOT } from '../../src/server/http/static-files.js';

/** Every script and page of a built web UI, as text. */
function bundleText(root: string): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.(js|mjs|html)$/.test(entry.name)) files.push(p);
    }
  };
  walk(root);
  expect(files.length).toBeGreaterThan(0);
  return files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

/**
 * No test hook in the production bundle: the fast-KDF override (localStorage 'parley:test-kdf') exists only in the test
 * build. The global setup builds both (dist/web as `npm run build:web` does, dist/web-test with `--mode test`).
 */
describe('the production web bundle', () => {
  it('holds no test-KDF hook, while the test build does (so the search can find it)', () => {
    const production = bundleText(WEB_ROOT);
    const test = bundleText(TEST_WEB_ROOT);
    expect(test).toContain('parley:test-kdf');
    expect(production).not.toContain('parley:test-kdf');
    expect(production).not.toContain('test-kdf');
    expect(production).not.toContain('__PARLEY_TEST_BUILD__');
    // The production build still is the real app.
    expect(production).toContain('/api/auth/prelogin');
  });
});
