// The server's allocation and garbage collection over the ramp's steps, loaded into the server with `--import` by
// `npm run bench -- --heap-prof` (or `--gc-stats`). The first SIGUSR2 opens the window, the next closes it and writes
// to PARLEY_HEAP_PROF_DIR:
// - `gc-<pid>-<n>.json`: the collections in the window by kind (count, total and longest pause, from perf_hooks) and
//   V8's heap spaces at its start and end, written last: once it exists, the window's files are complete;
// - with a sampling interval (PARLEY_HEAP_PROF_INTERVAL bytes, 0: none), `heap-<pid>-<n>.heapprofile`: V8's sampling
//   heap profile, keeping the samples of objects the collections freed (what was allocated, garbage included), in
//   Chrome DevTools' format (read by bench/heap-summary.ts).
// - with PARLEY_HEAP_SNAPSHOT=true, `start-<pid>.heapsnapshot`: a heap snapshot when the window opens.
// Plain JavaScript: it runs before tsx's loader, in a server of any checkout (--server-dir).
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import v8 from 'node:v8';

const dir = process.env.PARLEY_HEAP_PROF_DIR;
const interval = Number(process.env.PARLEY_HEAP_PROF_INTERVAL ?? 0);
const KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-callbacks',
};
let session;
let window;
let written = 0;

const spaces = () =>
  Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, { sizeMiB: mib(s.space_size), usedMiB: mib(s.space_used_size) }]));
const mib = (b) => Math.round((b / 1048576) * 10) / 10;

function record(entries) {
  if (!window) return;
  for (const entry of entries) {
    const kind = KINDS[entry.detail?.kind ?? entry.kind] ?? String(entry.detail?.kind);
    const k = (window.gc[kind] ??= { count: 0, ms: 0, maxMs: 0 });
    k.count++;
    k.ms += entry.duration;
    k.maxMs = Math.max(k.maxMs, entry.duration);
  }
}
const observer = new PerformanceObserver((list) => record(list.getEntries()));

process.on('SIGUSR2', () => {
  if (!dir) return;
  if (!window) {
    fs.mkdirSync(dir, { recursive: true });
    // A heap snapshot at the window's start (every connection open, before the steps): what the heap holds, by object.
    if (process.env.PARLEY_HEAP_SNAPSHOT === 'true') v8.writeHeapSnapshot(path.join(dir, `start-${process.pid}.heapsnapshot`));
    window = { startedAt: Date.now(), gc: {}, spacesAtStart: spaces(), rssAtStartMiB: mib(process.memoryUsage.rss()) };
    observer.observe({ entryTypes: ['gc'] });
    if (interval > 0) {
      if (!session) {
        session = new inspector.Session();
        session.connect();
      }
      session.post('HeapProfiler.startSampling', {
        samplingInterval: interval,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    }
    return;
  }
  // Entries still buffered in the observer belong to the window.
  record(observer.takeRecords());
  const done = window;
  window = undefined;
  observer.disconnect();
  fs.mkdirSync(dir, { recursive: true });
  const n = written++;
  for (const k of Object.values(done.gc)) {
    k.ms = Math.round(k.ms * 10) / 10;
    k.maxMs = Math.round(k.maxMs * 10) / 10;
  }
  const stats = { seconds: (Date.now() - done.startedAt) / 1000, gc: done.gc, rssAtStartMiB: done.rssAtStartMiB, rssAtEndMiB: mib(process.memoryUsage.rss()), spacesAtStart: done.spacesAtStart, spacesAtEnd: spaces() };
  const writeStats = () => fs.writeFileSync(path.join(dir, `gc-${process.pid}-${n}.json`), JSON.stringify(stats, null, 1));
  if (interval === 0) {
    writeStats();
    return;
  }
  session.post('HeapProfiler.stopSampling', (err, result) => {
    if (err) console.error('heap-sampler: stopSampling failed', err);
    else fs.writeFileSync(path.join(dir, `heap-${process.pid}-${n}.heapprofile`), JSON.stringify(result.profile));
    writeStats();
  });
});
