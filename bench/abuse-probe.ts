// Loaded into the server by `bench/abuse.ts --probe` (node --import): reports on stderr, one JSON line each, every
// stall of the server's event loop (a 10 ms timer that fired late by more than 40 ms) and every GC pause over 10 ms,
// with the server's memory split, so a slow message can be put beside what the process was doing at that moment.
// Not part of the server: nothing here is loaded in production.
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';
import * as ws from 'ws';

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
const mib = (n: number) => Math.round(n / 104857.6) / 10;
const emit = (o: Record<string, unknown>) => process.stderr.write(`probe ${JSON.stringify(o)}\n`);

new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.duration < 10) continue;
    const detail = (e as unknown as { detail?: { kind?: number } }).detail;
    emit({ kind: 'gc', at: Math.round(e.startTime), ms: Math.round(e.duration), gc: KINDS[detail?.kind ?? 0] ?? String(detail?.kind) });
  }
}).observe({ entryTypes: ['gc'] });

let last = performance.now();
setInterval(() => {
  const now = performance.now();
  const late = now - last - 10;
  last = now;
  if (late > 40) emit({ kind: 'stall', at: Math.round(now - late), ms: Math.round(late) });
}, 10).unref();

setInterval(() => {
  const m = process.memoryUsage();
  emit({ kind: 'mem', at: Math.round(performance.now()), rss: mib(m.rss), heapUsed: mib(m.heapUsed), heapTotal: mib(m.heapTotal), external: mib(m.external), arrayBuffers: mib(m.arrayBuffers) });
}, 1000).unref();

// Bursts: WebSocket messages handled in one turn of the event loop (one poll phase), and the CPU time that turn took.
// A turn that handles hundreds of one client's frames is a stall for everyone else, whatever the machine's load.
// The server's own copy of ws (engine.io's: one module instance); its ESM entry exports the frame parser.
const { Receiver } = ws as unknown as { Receiver: { prototype: { emit: (event: string, ...args: unknown[]) => boolean } } };
const emitOriginal = Receiver.prototype.emit;
let turn: { messages: number; cpu: NodeJS.CpuUsage; at: number } | undefined;
Receiver.prototype.emit = function (this: unknown, event: string, ...rest: unknown[]) {
  if (event === 'message') {
    if (!turn) {
      turn = { messages: 0, cpu: process.cpuUsage(), at: performance.now() };
      setImmediate(() => {
        const t = turn;
        turn = undefined;
        if (!t || t.messages < 200) return;
        const cpu = process.cpuUsage(t.cpu);
        emit({ kind: 'burst', at: Math.round(t.at), messages: t.messages, ms: Math.round((cpu.user + cpu.system) / 1000) });
      });
    }
    turn.messages++;
  }
  return emitOriginal.call(this, event, ...rest);
};
