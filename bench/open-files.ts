// Open-file limits for the load benchmark: every connection is a descriptor in the server and in a generator.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** Soft limit on open files of this process (inherited by the children), from /proc/self/limits. */
export function openFilesLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    return m?.[1] === 'unlimited' ? Number.POSITIVE_INFINITY : m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every connection is a descriptor in the server and in a generator: when the limit on open files is below what the run
 * needs (two per user and some), the benchmark runs itself again under a higher one (children inherit it). The soft
 * limit rises to the hard one for anyone; as root the hard limit rises too, up to fs.nr_open (`ulimit -Hn`). Operators:
 * docs/PERFORMANCE.md, "Many users on one box".
 */
export function raiseOpenFilesLimit(users: number): void {
  if (process.env.PARLEY_BENCH_ULIMIT_RAISED) return;
  let hard: number;
  try {
    const h = execFileSync('/bin/sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
    hard = h === 'unlimited' ? Number.POSITIVE_INFINITY : Number(h);
  } catch {
    return;
  }
  const soft = openFilesLimit();
  if (soft === undefined) return;
  const wanted = users * 2 + 1_000;
  let nrOpen = 1_048_576;
  try {
    nrOpen = Number(fs.readFileSync('/proc/sys/fs/nr_open', 'utf8').trim()) || nrOpen;
  } catch {
    // not Linux: keep the kernel's usual ceiling
  }
  const root = process.getuid?.() === 0;
  const target = root && hard < wanted ? Math.min(wanted, nrOpen) : hard;
  if (target <= soft) return;
  const limit = Number.isFinite(target) ? String(target) : 'unlimited';
  // Root without CAP_SYS_RESOURCE (a container) cannot raise the hard limit: then the soft one goes up to it.
  const raise =
    root && target > hard ? `{ ulimit -Hn ${limit} && ulimit -n ${limit}; } 2>/dev/null || ulimit -n "$(ulimit -Hn)"` : 'ulimit -n "$(ulimit -Hn)"';
  const run = spawnSync('/bin/sh', ['-c', `${raise} && exec "$@"`, 'sh', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, PARLEY_BENCH_ULIMIT_RAISED: '1' },
  });
  process.exit(run.status ?? 2);
}
