// The processes the load benchmark starts: the Parley server (src/server/main.ts, SQLite by default), the bare relay
// (bench/baseline-relay.ts) and the load generators (bench/load-generator.ts), each a process of its own.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from '../test/support/process-server.js';
import { isGeneratorReport, type DriverCommand, type GeneratorReport } from './protocol.js';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(BENCH_DIR, '..');

export { freePort };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A server under test: its URL, the pid whose process tree is measured (undefined for an external server). */
export interface TargetProcess {
  url: string;
  pid: number | undefined;
  /** When it was spawned (performance.now()), to line a CPU profile up with the steps. */
  spawnedAt: number;
  /** The last lines the process printed. */
  output(): string;
  stop(): Promise<void>;
}

function tail(child: ChildProcess): () => string {
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => out;
}

async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface ParleyServerOptions {
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  workers: number;
  /** Extra node flags for the server, e.g. --cpu-prof. */
  nodeFlags: string[];
  keepData: boolean;
  /** Where the SQLite directory is made (default: the OS temp dir; /dev/shm takes fsync out of the picture). */
  dataParent: string | undefined;
  /** The server hashes authKeys with a test-only argon2id (m=256 KiB, t=1): 50,000 sign-ups in seconds, not an hour. */
  insecureServerHash?: boolean;
  /** The checkout whose server runs (default: this one): an A/B against another commit's worktree. */
  serverDir?: string | undefined;
  /** The in-flight caps (per connection and per user) raised out of the way (an A/B against code without them). */
  uncapped?: boolean;
  /** Where bench/heap-sampler.mjs (loaded with --import) writes its GC statistics and heap profiles. */
  heapProfDir?: string | undefined;
  /** Its sampling interval in bytes (0: GC statistics only). */
  heapProfInterval: number;
  /** A heap snapshot when its window opens. */
  heapSnapshot?: boolean;
}

/** --heap-prof's sampling interval: one sample per this many bytes allocated, on average (V8's default is 32 KiB). */
export const HEAP_SAMPLING_INTERVAL_BYTES = 16384;

/**
 * A larger young generation: short-lived per-message objects die there instead of being promoted, which keeps old-space
 * collections (pauses of 100 ms and more with 10,000 connections' objects in the heap) out of the message path.
 */
export const PRODUCTION_NODE_FLAGS = ['--max-semi-space-size=64'];

/**
 * The environment `npm start` adds (package.json): glibc's malloc serves allocations of 64 KiB and more (message
 * bodies read from SQLite, the largest being 64 KiB) with mmap, so they go back to the system when freed instead of
 * staying in the process's heap: without it, the RSS a history flood raised stayed up after the attack
 * (docs/DEPLOY.md, docs/PERFORMANCE.md "Abuse resistance"). Ignored by other C libraries.
 */
export const PRODUCTION_ENV: Record<string, string> = { MALLOC_MMAP_THRESHOLD_: '65536' };

/** `node --import tsx src/server/main.ts` with the bench's limits raised, on a fresh SQLite file by default. */
export async function startParley(options: ParleyServerOptions): Promise<TargetProcess> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(options.dataParent ?? os.tmpdir(), 'parley-bench-'));
  const env: Record<string, string> = {
    ...PRODUCTION_ENV,
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    // Lets the generators use a 256 KiB client KDF: the benchmark measures messaging, not password hashing.
    PARLEY_INSECURE_TEST_KDF: 'true',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    // Every bench user signs up, logs in and sends from 127.0.0.1: raise the per-address and per-connection limits.
    SIGNUPS_PER_ADDRESS_PER_HOUR: '100000000',
    LOGIN_FAILURES_PER_ADDRESS: '100000000',
    MESSAGES_PER_CONNECTION_PER_10S: '100000000',
    EVENTS_PER_CONNECTION_PER_10S: '100000000',
    // The benchmark's load comes from a few active users (10 % of them) sending tens of messages a second each:
    // the per-user budgets (abuse resistance) would refuse it. The in-flight caps stay the product's.
    MESSAGES_PER_USER_PER_10S: '100000000',
    EVENTS_PER_USER_PER_10S: '100000000',
    ...(options.insecureServerHash ? { PARLEY_INSECURE_TEST_SERVER_HASH: 'true' } : {}),
    ...(options.uncapped ? { SOCKET_REQUESTS_IN_FLIGHT: '100000', SOCKET_REQUESTS_QUEUED: '100000', USER_REQUESTS_IN_FLIGHT: '100000' } : {}),
    ...(options.heapProfDir ? { PARLEY_HEAP_PROF_DIR: options.heapProfDir, PARLEY_HEAP_PROF_INTERVAL: String(options.heapProfInterval) } : {}),
    ...(options.heapSnapshot ? { PARLEY_HEAP_SNAPSHOT: 'true' } : {}),
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...(options.workers > 1 ? { WORKERS: String(options.workers) } : {}),
  };
  const spawnedAt = performance.now();
  // The V8 flags `npm start` uses (package.json), so the benchmark measures the server as it runs in production.
  const heapSampler = options.heapProfDir ? ['--import', pathToFileURL(path.join(BENCH_DIR, 'heap-sampler.mjs')).href] : [];
  const child = spawn(process.execPath, [...PRODUCTION_NODE_FLAGS, ...options.nodeFlags, ...heapSampler, '--import', 'tsx', 'src/server/main.ts'], {
    cwd: options.serverDir ? path.resolve(options.serverDir) : ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = tail(child);
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a shared machine under load a cluster of tsx workers and a fresh database take minutes to start.
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Parley server exited during start:\n${output()}`);
    const up = await fetch(`${url}/api/auth/me`).then(
      (r) => r.status === 401,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the Parley server did not start within 180 s:\n${output()}`);
    }
    await sleep(100);
  }
  return {
    url,
    pid: child.pid,
    spawnedAt,
    output,
    async stop() {
      await stopChild(child);
      if (!options.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The bare socket.io relay in its own process. */
export async function startRelay(nodeFlags: string[]): Promise<TargetProcess> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path.join(BENCH_DIR, 'baseline-relay.ts'), '--port', '0'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = tail(child);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the relay did not start:\n${output()}`)), 30_000);
    let buffered = '';
    const onData = (d: Buffer) => {
      buffered += d.toString();
      const m = /\{"listening":(\d+)/.exec(buffered);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', () => reject(new Error(`the relay exited during start:\n${output()}`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, spawnedAt, output, stop: () => stopChild(child) };
}

/** A load generator child process, spoken to over IPC. */
export class Generator {
  private readonly waiters: { type: GeneratorReport['type']; resolve: (r: GeneratorReport) => void; reject: (e: Error) => void }[] = [];
  private exited = false;

  private constructor(
    readonly index: number,
    private readonly child: ChildProcess,
    onReport: (g: Generator, r: GeneratorReport) => void,
  ) {
    child.on('message', (raw: unknown) => {
      if (!isGeneratorReport(raw)) return;
      if (raw.type === 'error') {
        for (const w of this.waiters.splice(0)) w.reject(new Error(`load generator ${index}: ${raw.message}`));
        onReport(this, raw);
        return;
      }
      const i = this.waiters.findIndex((w) => w.type === raw.type);
      if (i >= 0) this.waiters.splice(i, 1)[0]?.resolve(raw);
      else onReport(this, raw);
    });
    child.once('exit', (code, signal) => {
      this.exited = true;
      for (const w of this.waiters.splice(0)) w.reject(new Error(`load generator ${index} exited (${signal ?? code})`));
    });
  }

  static start(index: number, onReport: (g: Generator, r: GeneratorReport) => void): Generator {
    const child = fork(path.join(BENCH_DIR, 'load-generator.ts'), [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Generator(index, child, onReport);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends a command and waits for the report of type `expect`. */
  ask<T extends GeneratorReport['type']>(command: DriverCommand, expect: T): Promise<Extract<GeneratorReport, { type: T }>> {
    if (this.exited) return Promise.reject(new Error(`load generator ${this.index} is gone`));
    return new Promise((resolve, reject) => {
      this.waiters.push({ type: expect, resolve: resolve as (r: GeneratorReport) => void, reject });
      this.child.send(command);
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    try {
      this.child.send({ type: 'stop' } satisfies DriverCommand);
    } catch {
      this.child.kill('SIGTERM');
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
