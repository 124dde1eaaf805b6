/**
 * The docs name real files: every repository path in backticks in docs/*.md (one starting with src/, test/ or bench/)
 * exists. A glob or a placeholder (`*`, `{a,b}`, `<dialect>`) is checked up to the folder before it. A path in a folder
 * the repository ignores for generated files (.gitignore: `bench/results/*.json`, the benchmarks' output) names an
 * output, not a file of the repository, and is not looked for.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const docs = readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort();

/** The folders .gitignore keeps generated files in (a pattern's part before its first glob), e.g. `bench/results/`. */
const generated = readFileSync(path.join(root, '.gitignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l.includes('/') && !l.startsWith('#') && !l.startsWith('!'))
  .map((l) => l.slice(0, l.lastIndexOf('/', l.search(/[*?[]|$/)) + 1))
  .filter((dir) => dir !== '');
const isGenerated = (p: string) => generated.some((dir) => p === dir || p.startsWith(dir));

/** The repository paths of one line: in backtick spans, starting with src/, test/ or bench/ (not inside another path). */
function pathsIn(line: string): string[] {
  const found: string[] = [];
  for (const [, span = ''] of line.matchAll(/`([^`]+)`/g)) {
    for (const [, raw = ''] of span.matchAll(/(?<![\w./@-])((?:src|test|bench)\/[^\s`'"(),;]*)/g)) {
      // A placeholder or a glob: keep the folder before it. A line number (`file.ts:12`) or a trailing dot: dropped.
      const cut = raw.search(/[*{<…]/);
      const base = cut === -1 ? raw : raw.slice(0, raw.lastIndexOf('/', cut) + 1);
      found.push(base.replace(/:\d+(-\d+)?$/, '').replace(/[.:]+$/, ''));
    }
  }
  return found;
}

describe('paths named in docs/*.md exist', () => {
  it('finds paths the way the docs write them', () => {
    expect(pathsIn('see `src/server/db` and `test/unit/x.test.ts:12`, not src/plain')).toEqual(['src/server/db', 'test/unit/x.test.ts']);
    expect(pathsIn('`bench/results/history-<dialect>.json` and `npx vitest run test/e2e/*.test.ts`')).toEqual(['bench/results/', 'test/e2e/']);
    expect(pathsIn('`web/chat/store.ts` `../src/x` `@scope/src/y`')).toEqual([]);
    expect(generated).toContain('bench/results/');
    expect(isGenerated('bench/results/history-sqlite.json')).toBe(true);
    expect(isGenerated('bench/run.ts')).toBe(false);
  });

  it.each(docs)('docs/%s', (doc) => {
    const missing: string[] = [];
    readFileSync(path.join(root, 'docs', doc), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const p of pathsIn(line)) if (!isGenerated(p) && !existsSync(path.join(root, p))) missing.push(`docs/${doc}:${i + 1}: ${p}`);
      });
    expect(missing).toEqual([]);
  });
});
