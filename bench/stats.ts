// Statistics and /proc readers for the load benchmark (Linux only: RSS and CPU come from procfs).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

export const round = (x: number, digits = 2): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

/** Percentiles of latency samples (ms), from any number of sample arrays (one per load generator). */
export function summarize(parts: ArrayLike<number>[]): LatencySummary {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Float64Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(Array.from(p), at);
    at += p.length;
  }
  all.sort();
  let sum = 0;
  for (const v of all) sum += v;
  return {
    count: total,
    p50: round(percentile(all, 50)),
    p95: round(percentile(all, 95)),
    p99: round(percentile(all, 99)),
    max: round(all[all.length - 1] ?? Number.NaN),
    mean: round(total > 0 ? sum / total : Number.NaN),
  };
}

let clockTicks: number | undefined;
/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on nearly every Linux). */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of a process, in clock ticks (undefined when the process is gone). */
export function processCpuTicks(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** Resident set size in KiB (VmRSS), or undefined when the process is gone. */
export function processRssKiB(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Open file descriptors of a process (needs the same user or root), or undefined. */
export function processFdCount(pid: number): number | undefined {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/** The process and its descendants (a cluster primary and its workers). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

export interface ProcessSample {
  at: number;
  cpuTicks: number;
  rssKiB: number;
  fds: number;
}

/** CPU ticks, RSS and open descriptors summed over a set of processes. */
export function sampleProcesses(pids: number[]): ProcessSample {
  let cpuTicks = 0;
  let rssKiB = 0;
  let fds = 0;
  for (const pid of pids) {
    cpuTicks += processCpuTicks(pid) ?? 0;
    rssKiB += processRssKiB(pid) ?? 0;
    fds += processFdCount(pid) ?? 0;
  }
  return { at: performance.now(), cpuTicks, rssKiB, fds };
}

/** CPU use between two samples, in percent of one core (200 % = both cores of a 2-core machine). */
export function cpuPercent(from: { at: number; cpuTicks: number }, to: { at: number; cpuTicks: number }): number {
  const seconds = (to.at - from.at) / 1000;
  if (seconds <= 0) return Number.NaN;
  return round(((to.cpuTicks - from.cpuTicks) / ticksPerSecond() / seconds) * 100, 1);
}

export interface MachineSample {
  at: number;
  busyTicks: number;
  totalTicks: number;
}

/** Whole-machine CPU counters from /proc/stat (all cores). */
export function sampleMachine(): MachineSample {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { at: performance.now(), busyTicks: busy, totalTicks: busy + idle + iowait };
}

export function loadAverage(): string {
  try {
    return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}

/** Share of the last 10 s in which some runnable task waited for a CPU (PSI), or undefined without /proc/pressure. */
export function cpuPressure(): number | undefined {
  try {
    const m = /^some avg10=([\d.]+)/m.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sets the nice value of every thread of every given process (Linux niceness is per thread), and of their scheduler
 * autogroups: with sched_autogroup_enabled, CPU is first shared between sessions, and a thread's own nice only counts
 * inside its session.
 */
export function renice(pids: number[], nice: number): void {
  for (const pid of pids) {
    try {
      fs.writeFileSync(`/proc/${pid}/autogroup`, String(nice));
    } catch {
      // No autogroups, or not permitted.
    }
    let tids: number[] = [pid];
    try {
      tids = fs.readdirSync(`/proc/${pid}/task`).map(Number);
    } catch {
      // Gone, or no procfs: the main thread only.
    }
    for (const tid of tids) {
      try {
        os.setPriority(tid, nice);
      } catch {
        // Not permitted (a negative value needs root) or the thread ended.
      }
    }
  }
}

/** The nice value of this process's scheduler autogroup (its session), to put back after renice(). */
export function autogroupNice(): number | undefined {
  try {
    const m = /nice (-?\d+)/.exec(fs.readFileSync('/proc/self/autogroup', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function setAutogroupNice(nice: number): void {
  try {
    fs.writeFileSync('/proc/self/autogroup', String(nice));
  } catch {
    // No autogroups, or not permitted.
  }
}
