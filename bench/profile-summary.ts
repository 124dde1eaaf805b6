// Where the server's main thread spends its time, from a V8 .cpuprofile (node --cpu-prof): self time by function and
// by area (our code per folder, each npm package, node internals, GC).
//   npx tsx bench/profile-summary.ts <file.cpuprofile> [--from <s>] [--to <s>] [--top 25]
// --from/--to keep only the samples between those offsets (seconds since the profile started).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  windowSeconds: number;
  /** Sampled time in the window, without (idle). */
  busyMs: number;
  idleMs: number;
  byArea: { area: string; ms: number; percent: number }[];
  topFunctions: { fn: string; area: string; ms: number; percent: number }[];
}

/** Our code by folder (src/server/db, …), a package by name, or node's internals. */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0] === 'internal' ? 'internal' : url.slice(5)}`;
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1).split('/').slice(0, 3).join('/').replace(/\.ts$/, '');
  return url;
}

export function summarizeProfile(file: string, options: { from?: number; to?: number; top?: number } = {}): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const from = (options.from ?? 0) * 1e6;
  const to = (options.to ?? Number.POSITIVE_INFINITY) * 1e6;
  const selfUs = new Map<number, number>();
  let t = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < from || t > to) continue;
    // A sample's time is the gap to the next one (V8's convention).
    const next = profile.timeDeltas[i + 1] ?? 0;
    const id = profile.samples[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + next);
  }
  const byArea = new Map<string, number>();
  const byFn = new Map<string, { area: string; us: number }>();
  let idle = 0;
  let busy = 0;
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame) continue;
    if (frame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    busy += us;
    const area = areaOf(frame);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const fn = `${frame.functionName || '(anonymous)'} ${frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : ''}`.trim();
    const entry = byFn.get(fn) ?? { area, us: 0 };
    entry.us += us;
    byFn.set(fn, entry);
  }
  const pct = (us: number) => Number(((us / Math.max(1, busy)) * 100).toFixed(1));
  const ms = (us: number) => Number((us / 1000).toFixed(0));
  const top = options.top ?? 25;
  return {
    file,
    windowSeconds: Number(((Math.min(to, profile.endTime - profile.startTime) - from) / 1e6).toFixed(1)),
    busyMs: ms(busy),
    idleMs: ms(idle),
    byArea: [...byArea.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, us]) => ({ area, ms: ms(us), percent: pct(us) })),
    topFunctions: [...byFn.entries()]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([fn, v]) => ({ fn, area: v.area, ms: ms(v.us), percent: pct(v.us) })),
  };
}

export function printProfileSummary(s: ProfileSummary): void {
  console.log(`\nCPU profile ${s.file}: ${s.windowSeconds} s window, main thread busy ${s.busyMs} ms, idle ${s.idleMs} ms`);
  console.table(s.byArea.slice(0, 15));
  console.table(s.topFunctions.slice(0, 20));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' }, top: { type: 'string', default: '25' } },
  });
  const file = positionals[0];
  if (!file) {
    console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [--from s] [--to s] [--top n]');
    process.exit(2);
  }
  printProfileSummary(
    summarizeProfile(file, {
      ...(values.from ? { from: Number(values.from) } : {}),
      ...(values.to ? { to: Number(values.to) } : {}),
      top: Number(values.top),
    }),
  );
}
