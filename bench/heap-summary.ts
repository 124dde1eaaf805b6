// What a server allocated, by function, from a sampling heap profile (Chrome DevTools' .heapprofile, as written by
// bench/heap-sampler.mjs with the objects the garbage collector freed included): the bytes sampled with each function
// at the top of the stack (self), by area (our code per folder, each npm package, node internals), and for the top
// functions the caller that allocated through them.
//   npx tsx bench/heap-summary.ts <file.heapprofile> [--top 40] [--callers 3]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { areaOf, type CallFrame } from './profile-summary.js';

interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}
interface HeapProfile {
  head: HeapNode;
  samples: { size: number }[];
}

export interface HeapSummary {
  file: string;
  /** Bytes sampled in all (an estimate of what was allocated while the sampler ran). */
  totalMiB: number;
  samples: number;
  byArea: { area: string; mib: number; percent: number }[];
  topFunctions: { fn: string; area: string; mib: number; percent: number; callers: string[] }[];
}

function frameName(frame: CallFrame): string {
  const file = frame.url ? `${frame.url.replace(/^.*\/(node_modules|src|bench)\//, '$1/').replace(/^file:\/\//, '')}:${frame.lineNumber + 1}` : '';
  return `${frame.functionName || '(anonymous)'}${file ? ` ${file}` : ''}`;
}

export function summarizeHeapProfile(file: string, options: { top?: number; callers?: number } = {}): HeapSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as HeapProfile;
  const byFn = new Map<string, { area: string; bytes: number; callers: Map<string, number> }>();
  const byArea = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode, stack: CallFrame[]): void => {
    if (node.selfSize > 0) {
      total += node.selfSize;
      const name = frameName(node.callFrame);
      const area = areaOf(node.callFrame);
      let entry = byFn.get(name);
      if (!entry) byFn.set(name, (entry = { area, bytes: 0, callers: new Map() }));
      entry.bytes += node.selfSize;
      // The nearest caller outside the function's own package (who made it allocate).
      const caller = [...stack].reverse().find((f) => areaOf(f) !== area) ?? stack[stack.length - 1];
      const callerName = caller ? frameName(caller) : '(root)';
      entry.callers.set(callerName, (entry.callers.get(callerName) ?? 0) + node.selfSize);
      byArea.set(area, (byArea.get(area) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, [...stack, node.callFrame]);
  };
  walk(profile.head, []);
  const mib = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
  const pct = (b: number) => Math.round((b / Math.max(total, 1)) * 1000) / 10;
  return {
    file,
    totalMiB: mib(total),
    samples: profile.samples.length,
    byArea: [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([area, b]) => ({ area, mib: mib(b), percent: pct(b) })),
    topFunctions: [...byFn]
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .slice(0, options.top ?? 40)
      .map(([fn, e]) => ({
        fn,
        area: e.area,
        mib: mib(e.bytes),
        percent: pct(e.bytes),
        callers: [...e.callers].sort((a, b) => b[1] - a[1]).slice(0, options.callers ?? 3).map(([c, b]) => `${c} (${mib(b)} MiB)`),
      })),
  };
}

export function printHeapSummary(s: HeapSummary): void {
  console.log(`\nheap profile ${path.basename(s.file)}: ${s.totalMiB} MiB sampled (${s.samples} samples)`);
  console.log('by area:');
  for (const a of s.byArea) console.log(`  ${String(a.mib).padStart(8)} MiB ${String(a.percent).padStart(5)} %  ${a.area}`);
  console.log('by function (self):');
  for (const f of s.topFunctions) {
    console.log(`  ${String(f.mib).padStart(8)} MiB ${String(f.percent).padStart(5)} %  ${f.fn}`);
    for (const c of f.callers) console.log(`                          ← ${c}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' }, callers: { type: 'string' } } });
  for (const file of positionals) {
    printHeapSummary(summarizeHeapProfile(file, { top: Number(values.top ?? 40), callers: Number(values.callers ?? 3) }));
  }
}
