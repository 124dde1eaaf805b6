// First load of the log-in page in Chromium, cold cache, CPU throttled 4× (DevTools Emulation.setCPUThrottlingRate):
// the compressed JavaScript it downloads and the time until it is interactive. Targets: ≤ 100 KB of compressed JS,
// interactive ≤ 1 s. Prints a table and writes bench/results/first-load.json. Options: --runs N (default 5),
// --throttle R (default 4).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WEB_ROOT } from '../src/server/http/static-files.js';
import { browserOrigin, launchChromium } from '../test/support/browser.js';
import { startTestServer } from '../test/support/server.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, throttle: { type: 'string', default: '4' } } });
const runs = Number(values.runs);
const throttle = Number(values.throttle);
const TARGET_JS_BYTES = 100 * 1024;
const TARGET_INTERACTIVE_MS = 1000;

interface Run {
  jsFiles: string[];
  /** Bytes of JavaScript as sent on the wire (compressed), bodies only. */
  jsTransferBytes: number;
  encodings: string[];
  /** The same files' brotli sizes (what an HTTPS visit, where Chromium asks for br, receives). */
  jsBrotliBytes: number;
  /** Navigation start → the log-in form is on the page and the main thread has finished its last long task. */
  interactiveMs: number;
  formShownMs: number;
  documentMs: number;
  scriptMs: number;
  probeMs: number;
  resources: string[];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function brotliSize(url: string): number {
  const file = path.join(WEB_ROOT, new URL(url).pathname);
  return fs.existsSync(`${file}.br`) ? fs.statSync(`${file}.br`).size : fs.statSync(file).size;
}

async function main(): Promise<void> {
  execFileSync(process.execPath, ['scripts/ensure-build.mjs', '--web-only'], { stdio: 'inherit' });
  // The production build (test servers serve the test build by default).
  const t = await startTestServer({ env: { LOG_LEVEL: 'warn' }, webRoot: WEB_ROOT });
  const browser = await launchChromium();
  const results: Run[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      // A fresh context each time: nothing cached, no service worker.
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
      const page = await context.newPage();
      await context.addInitScript(() => {
        const marks = { formShown: 0, lastLongTaskEnd: 0 };
        (window as unknown as { __firstLoad: typeof marks }).__firstLoad = marks;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) marks.lastLongTaskEnd = Math.max(marks.lastLongTaskEnd, e.startTime + e.duration);
        }).observe({ type: 'longtask', buffered: true });
        new MutationObserver((_, observer) => {
          if (document.querySelector('#login-username') && document.querySelector('form button[type="submit"]')) {
            marks.formShown = performance.now();
            observer.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });
      });
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
      const js: { url: string; bytes: number; encoding: string }[] = [];
      page.on('requestfinished', (request) => {
        void (async () => {
          const response = await request.response();
          if (!response || !/javascript/.test((await response.allHeaders())['content-type'] ?? '')) return;
          const sizes = await request.sizes();
          js.push({ url: request.url(), bytes: sizes.responseBodySize, encoding: (await response.allHeaders())['content-encoding'] ?? 'identity' });
        })();
      });
      await page.goto(`${browserOrigin(t)}/login`, { waitUntil: 'networkidle' });
      await page.locator('#login-username').waitFor();
      const marks = await page.evaluate(() => (window as unknown as { __firstLoad: { formShown: number; lastLongTaskEnd: number } }).__firstLoad);
      // Where the time went: the page, its script and the session probe, each until its last byte arrived.
      const timing = await page.evaluate(() => {
        const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
        return {
          documentMs: Math.round(nav?.responseEnd ?? -1),
          scriptMs: Math.round(resources.find((e) => /\/assets\/index-.*\.js$/.test(e.name))?.responseEnd ?? -1),
          probeMs: Math.round(resources.find((e) => e.name.endsWith('/api/auth/session'))?.responseEnd ?? -1),
          resources: resources.map((e) => `${new URL(e.name).pathname} ${Math.round(e.startTime)}→${Math.round(e.responseEnd)}`),
        };
      });
      results.push({
        jsFiles: js.map((j) => new URL(j.url).pathname),
        jsTransferBytes: js.reduce((n, j) => n + j.bytes, 0),
        encodings: [...new Set(js.map((j) => j.encoding))],
        jsBrotliBytes: js.reduce((n, j) => n + brotliSize(j.url), 0),
        interactiveMs: Math.round(Math.max(marks.formShown, marks.lastLongTaskEnd)),
        formShownMs: Math.round(marks.formShown),
        ...timing,
      });
      await context.close();
    }
  } finally {
    await browser.close();
    await t.close();
  }

  const summary = {
    page: '/login',
    cpuThrottle: throttle,
    runs,
    jsFiles: results[0]?.jsFiles ?? [],
    jsTransferKiB: +(median(results.map((r) => r.jsTransferBytes)) / 1024).toFixed(1),
    jsTransferEncodings: results[0]?.encodings ?? [],
    jsBrotliKiB: +(median(results.map((r) => r.jsBrotliBytes)) / 1024).toFixed(1),
    interactiveMsMedian: median(results.map((r) => r.interactiveMs)),
    interactiveMsMax: Math.max(...results.map((r) => r.interactiveMs)),
    formShownMsMedian: median(results.map((r) => r.formShownMs)),
    documentMsMedian: median(results.map((r) => r.documentMs)),
    scriptMsMedian: median(results.map((r) => r.scriptMs)),
    probeMsMedian: median(results.map((r) => r.probeMs)),
    targets: { jsKiB: TARGET_JS_BYTES / 1024, interactiveMs: TARGET_INTERACTIVE_MS },
    /** The machine's load (1-minute average, cores): the figures are only as quiet as the machine was. */
    loadAverage: +(os.loadavg()[0] ?? 0).toFixed(1),
    cores: os.cpus().length,
    at: new Date().toISOString(),
    results,
  };
  const ok = summary.jsTransferKiB * 1024 <= TARGET_JS_BYTES && summary.interactiveMsMedian <= TARGET_INTERACTIVE_MS;
  console.log(`first load of /login, CPU ${throttle}× slower, ${runs} cold runs (median); load average ${summary.loadAverage} on ${summary.cores} cores`);
  console.table({
    'JS files': { value: summary.jsFiles.join(', ') },
    [`JS on the wire (${summary.jsTransferEncodings.join('/')})`]: { value: `${summary.jsTransferKiB} KiB (target ≤ 100)` },
    'JS as brotli (HTTPS)': { value: `${summary.jsBrotliKiB} KiB` },
    'page, script, session probe received': { value: `${summary.documentMsMedian}, ${summary.scriptMsMedian}, ${summary.probeMsMedian} ms` },
    'form shown': { value: `${summary.formShownMsMedian} ms` },
    interactive: { value: `${summary.interactiveMsMedian} ms (max ${summary.interactiveMsMax}; target ≤ 1000)` },
  });
  const out = path.join('bench', 'results', 'first-load.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`${ok ? 'within' : 'OVER'} target; written to ${out}`);
  if (!ok) process.exitCode = 1;
}

await main();
