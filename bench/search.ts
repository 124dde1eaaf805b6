/**
 * npm run bench:search: the local search index on a generated corpus (fixed seed; bench/search-corpus.ts) in Node
 * and in Chromium's Worker (the same code, bundled with esbuild): indexing rate, size at rest, reload time and query
 * p50/p95/p99 for single words, prefixes and two-word queries. Writes bench/results/search.json.
 * Options: --messages N (default 100,000), --no-browser. Targets: p95 ≤ 30 ms per query, ≥ 5,000 msg/s in Node.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { measureSearch, type SearchFigures } from './search-measure.js';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const MESSAGES = option('messages', 100_000);
const CHROMIUM = process.env.PARLEY_TEST_CHROMIUM ?? '/usr/bin/chromium';
const TARGET_P95_MS = 30;
const TARGET_INDEX_PER_S = 5_000;

async function inChromium(): Promise<SearchFigures> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./search-worker.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: true,
  });
  const code = bundle.outputFiles[0]?.text ?? '';
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    // A made-up origin answered by the test itself: nothing goes to the network.
    await page.route('http://bench.invalid/**', (route) =>
      route.request().url().endsWith('/worker.js')
        ? route.fulfill({ contentType: 'text/javascript', body: code })
        : route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>search bench</title>' }),
    );
    await page.goto('http://bench.invalid/');
    return await page.evaluate(
      (messages) =>
        new Promise<SearchFigures>((resolve, reject) => {
          const worker = new Worker('/worker.js', { type: 'module' });
          worker.onmessage = (e: MessageEvent<{ figures?: SearchFigures; error?: string }>) =>
            e.data.figures ? resolve(e.data.figures) : reject(new Error(e.data.error ?? 'worker failed'));
          worker.onerror = (e) => reject(new Error(e.message));
          worker.postMessage({ messages });
        }),
      MESSAGES,
    );
  } finally {
    await browser.close();
  }
}

function print(where: string, f: SearchFigures): void {
  const mb = (f.sizeAtRestBytes / 1024 / 1024).toFixed(1);
  console.log(`\n${where}: ${f.messages.toLocaleString()} messages`);
  const cpu = f.indexPerCpuSecond ? `, ${f.indexPerCpuSecond.toLocaleString()} msg per CPU second` : '';
  console.log(`  indexing      ${f.indexPerSecond.toLocaleString()} msg/s (${(f.indexMs / 1000).toFixed(1)} s${cpu})`);
  console.log(`  at rest       ${mb} MiB in ${f.chunks} sealed chunks (${Math.round(f.sizeAtRestBytes / f.messages)} B/message)`);
  console.log(`  reload        ${(f.reloadMs / 1000).toFixed(1)} s (chunks read back, index rebuilt)`);
  for (const [kind, q] of Object.entries(f.queries)) {
    const cpuQ = q.cpuP95Ms === undefined ? '' : `  [CPU p50 ${q.cpuP50Ms} ms, p95 ${q.cpuP95Ms} ms]`;
    console.log(`  ${kind.padEnd(12)}  p50 ${q.p50Ms} ms  p95 ${q.p95Ms} ms  p99 ${q.p99Ms} ms${cpuQ}  (${q.queries} queries, ${q.meanResults} results each)`);
  }
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const load = () => os.loadavg()[0]?.toFixed(1) ?? '?';
console.log(`load average before: ${load()} on ${os.cpus().length} cores (wall-clock figures stretch with it; CPU figures do not)`);
const node = await measureSearch(MESSAGES, () => performance.now(), cpuMs);
print('Node', node);
const browser = argv.includes('--no-browser') ? undefined : await inChromium();
if (browser) print('Chromium Worker', browser);

const worstP95 = Math.max(...[node, browser].flatMap((f) => (f ? Object.values(f.queries).map((q) => q.p95Ms) : [])));
const met = { p95: worstP95 <= TARGET_P95_MS, indexing: node.indexPerSecond >= TARGET_INDEX_PER_S };
console.log(`load average after: ${load()}`);
console.log(`\ntargets: p95 ≤ ${TARGET_P95_MS} ms ${met.p95 ? 'met' : 'MISSED'} (worst ${worstP95} ms); indexing ≥ ${TARGET_INDEX_PER_S} msg/s in Node ${met.indexing ? 'met' : 'MISSED'}`);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/search.json',
  JSON.stringify({ date: new Date().toISOString(), node: process.version, loadAverage: os.loadavg(), cores: os.cpus().length, messages: MESSAGES, results: { node, chromiumWorker: browser }, targets: met }, null, 2),
);
