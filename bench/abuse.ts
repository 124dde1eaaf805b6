// Abuse benchmark: normal users chat at a steady rate while one hostile user attacks, phase by phase, in one run
// against one server process (so the no-attacker baseline is measured on the same machine, at the same time):
//   baseline       no attacker
//   slow-1/10/100  1, 10 and 100 sockets of one user that stop reading from TCP and flood messages:history (limit
//                  100) and messages:after (limit 500) over a conversation of 64 KiB messages
//   flood          as many sockets of one user as it may open, flooding whoami and messages:history while reading
//   after          no attacker again (does the server come back?)
// Prints the normal users' send→deliver p50/p99 per phase, the server's RSS over its idle level, the abusive
// connections cut and refused; writes bench/results/abuse-<label>.json.
//   npm run bench:abuse                 (full: 10 s phases, 100 messages of 64 KiB)
//   npm run bench:abuse:short           (CI: 4 s phases, 40 messages; exits 1 when a bound breaks)
//   --trace                             also print each phase's CPU use and its slowest messages
//   --cpu-prof                          profile the server and print where each phase's time went
//   --probe                             load bench/abuse-probe.ts into the server: per phase its event-loop stalls,
//                                       GC pauses over 10 ms, memory split (heap, external, arrayBuffers) and the
//                                       WebSocket frames handled in one turn with that turn's CPU time
//   --phases slow-100,flood             run only these phases (and the baseline)
//   --malloc-default                    start the server without npm start's MALLOC_MMAP_THRESHOLD_ (glibc's default:
//                                       freed 64 KiB bodies stay in the process, and its RSS does not come back down)
// Bounds (both sizes): RSS growth over idle ≤ 256 MiB in every phase; every history-flood phase's (slow-*) p99 ≤ 2 ×
// the baseline's p99 (or ≤ 50 ms, a floor for a quiet baseline on a noisy shared machine); and (full run) the RSS back
// within 32 MiB of idle at most 20 s after the last history flood (slow-100) ends, sampled every 200 ms, before the
// event flood starts (the short run prints it for 15 s and does not fail on it). The event flood's p99, and the RSS
// after it, are printed, not bounded.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Socket } from 'socket.io-client';
import { testEnv } from '../test/support/env.js';
import { ask, openSocket, rawAccount, type RawAccount } from '../test/support/raw-socket.js';
import { printProfileSummary, summarizeProfile } from './profile-summary.js';
import { BENCH_DIR, freePort, PRODUCTION_ENV, PRODUCTION_NODE_FLAGS, ROOT } from './processes.js';
import type { AttackOrder, AttackReport } from './abuse-attacker.js';
import { autogroupNice, cpuPercent, processRssKiB, processTree, renice, round, sampleProcesses, setAutogroupNice, summarize, type LatencySummary } from './stats.js';

/** Busy CPU ticks of the whole machine (every process, ours and others'), from /proc/stat. */
function machineCpu(): { at: number; cpuTicks: number } {
  const fields = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { at: performance.now(), cpuTicks: fields.slice(0, 8).reduce((n, x) => n + x, 0) - idle };
}

/** The hostile user's process, reniced: on a shared machine its floods should load the server, not the measurer. */
function startAttackers(): { pid: number; run: (order: AttackOrder) => Promise<AttackReport>; stop: () => void } {
  // A session of its own (detached: setsid), hence a scheduler autogroup of its own: renice() sets the autogroup's
  // nice, which would otherwise demote this process, the server and the shell that started them too.
  const child: ChildProcess = fork(path.join(BENCH_DIR, 'abuse-attacker.ts'), [], { execArgv: ['--import', 'tsx'], cwd: ROOT, detached: true });
  if (child.pid) renice([child.pid], 19);
  return {
    pid: child.pid ?? 0,
    run: (order) =>
      new Promise<AttackReport>((resolve, reject) => {
        child.once('message', (report) => resolve(report as AttackReport));
        child.once('exit', (code) => reject(new Error(`the attacker process exited (${code})`)));
        child.send(order);
      }),
    stop: () => void child.kill(),
  };
}

const { values: args } = parseArgs({
  options: { short: { type: 'boolean', default: false }, trace: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false }, probe: { type: 'boolean', default: false }, label: { type: 'string' },
    pairs: { type: 'string' }, phases: { type: 'string' }, 'malloc-default': { type: 'boolean', default: false } },
});
const SHORT = args.short ?? false;
const PHASE_MS = SHORT ? 4_000 : 10_000;
const BIG_MESSAGES = SHORT ? 40 : 100;
const PAIRS = Number(args.pairs ?? 10);
// The short run sends twice as often (under MESSAGES_PER_CONNECTION_PER_10S): 320 samples a phase, so its p99 is not
// just its slowest message.
const SEND_EVERY_MS = SHORT ? 250 : 500;
const RSS_BOUND_MIB = 256;
const P99_FACTOR = 2;
const P99_FLOOR_MS = 50;
// "Comes back down": after the last attack phase ends, the server's RSS is within RECOVERY_MIB of its idle level
// within RECOVERY_S seconds (sampled every 200 ms while normal users go on chatting).
const RECOVERY_MIB = 32;
const RECOVERY_S = SHORT ? 15 : 20;
// The full run fails when the RSS does not come back down; the short run (CI) prints and records it only, until a
// run on a quiet machine has shown the figure with MALLOC_MMAP_THRESHOLD_ (docs/PERFORMANCE.md).
const RECOVERY_CHECKED = !SHORT;
const label = args.label ?? (SHORT ? 'short' : testEnv.databaseUrl ? 'postgres' : 'sqlite');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PROFILE_DIR = path.join(os.tmpdir(), `parley-abuse-prof-${process.pid}`);

/** The server in its own process, with the production defaults for every abuse bound. */
interface Probe {
  kind: 'gc' | 'stall' | 'mem' | 'burst';
  /** ms since the server process started (its performance.now()). */
  at: number;
  ms?: number;
  gc?: string;
  rss?: number;
  heapUsed?: number;
  heapTotal?: number;
  external?: number;
  arrayBuffers?: number;
}

async function startServer(): Promise<{ url: string; pid: number; startedAt: number; cuts: () => number; probes: Probe[]; stop: () => Promise<void> }> {
  const port = await freePort();
  const startedAt = performance.now();
  const profileFlags = args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [];
  // After tsx's --import (below), which loads it.
  const probeFlags = args.probe ? ['--import', path.join(BENCH_DIR, 'abuse-probe.ts')] : [];
  if (args['cpu-prof']) fs.rmSync(PROFILE_DIR, { recursive: true, force: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-abuse-'));
  const child = spawn(process.execPath, [...PRODUCTION_NODE_FLAGS, ...profileFlags, '--import', 'tsx', ...probeFlags, 'src/server/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      // npm start's environment (glibc's mmap threshold), unless --malloc-default shows the difference.
      ...(args['malloc-default'] ? {} : PRODUCTION_ENV),
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PARLEY_INSECURE_TEST_KDF: 'true',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      SIGNUPS_PER_ADDRESS_PER_HOUR: '100000',
      LOGIN_FAILURES_PER_ADDRESS: '100000',
      ...(testEnv.databaseUrl ? { DATABASE_URL: testEnv.databaseUrl } : {}),
    },
  });
  let cuts = 0;
  let tail = '';
  const onData = (d: Buffer) => {
    const text = tail + d.toString();
    cuts += text.match(/socket (output|input) over its cap/g)?.length ?? 0;
    tail = text.slice(-40);
  };
  child.stdout.on('data', onData);
  const probes: Probe[] = [];
  let errTail = '';
  child.stderr.on('data', (d: Buffer) => {
    const lines = (errTail + d.toString()).split('\n');
    errTail = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('probe ')) probes.push(JSON.parse(line.slice(6)) as Probe);
      else process.stderr.write(`${line}\n`);
    }
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error('the server exited during start');
    if (await fetch(`${url}/api/auth/me`).then((r) => r.status === 401, () => false)) break;
    if (i > 1800) throw new Error('the server did not start within 180 s');
    await sleep(100);
  }
  return {
    url,
    pid: child.pid ?? 0,
    startedAt,
    cuts: () => cuts,
    probes,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const rssMiB = (pid: number) => processTree(pid).reduce((n, p) => n + (processRssKiB(p) ?? 0), 0) / 1024;

/** Two contacts and their direct conversation. */
async function pair(a: RawAccount, b: RawAccount, sa: Socket, sb: Socket): Promise<string> {
  await ask(sa, 'contacts:request', { username: b.username });
  await ask(sb, 'contacts:accept', { username: a.username });
  const opened = (await ask(sa, 'conversations:openDirect', { username: b.username })) as { data: { conversation: { id: string } } };
  return opened.data.conversation.id;
}

interface NormalChat {
  /** Send→deliver latencies (ms) by the phase the message was sent in. */
  samples: Map<string, number[]>;
  /** Per phase, [ms since the phase began, latency ms] of each message (to see when the slow ones were sent). */
  trace: Map<string, [number, number][]>;
  lost: () => number;
  setPhase(name: string): void;
  /** Resolves when every message sent in `phase` has arrived, or after `timeoutMs`. */
  settled(phase: string, timeoutMs: number): Promise<void>;
  late(phase: string): number;
  stop(): void;
}

/** PAIRS pairs of users, each sending a small message every SEND_EVERY_MS to its partner. */
async function normalChat(target: { url: string }): Promise<NormalChat> {
  const samples = new Map<string, number[]>();
  const trace = new Map<string, [number, number][]>();
  let phase = 'warm-up';
  let phaseStart = performance.now();
  let sent = 0;
  let received = 0;
  const sentIn = new Map<string, number>();
  const timers: NodeJS.Timeout[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const a = await rawAccount(target, `normal-a${i}`);
    const b = await rawAccount(target, `normal-b${i}`);
    const [sa, sb] = [await openSocket(target, a.token), await openSocket(target, b.token)];
    const conversationId = await pair(a, b, sa, sb);
    for (const [socket, me] of [[sa, a.username], [sb, b.username]] as const) {
      socket.on('message', (event: { message: { body: Uint8Array; sender: string } }) => {
        if (event.message.sender === me) return;
        const sentAt = JSON.parse(Buffer.from(event.message.body).toString()) as { at: number; phase: string; offset: number };
        received++;
        const latency = performance.now() - sentAt.at;
        const list = samples.get(sentAt.phase) ?? [];
        list.push(latency);
        samples.set(sentAt.phase, list);
        const points = trace.get(sentAt.phase) ?? [];
        points.push([sentAt.offset, latency]);
        trace.set(sentAt.phase, points);
      });
      let n = 0;
      const send = () => {
        sent++;
        sentIn.set(phase, (sentIn.get(phase) ?? 0) + 1);
        const body = Buffer.from(JSON.stringify({ at: performance.now(), phase, offset: Math.round(performance.now() - phaseStart) }));
        void ask(socket, 'messages:send', { conversationId, clientKey: `${me}-${n++}-xxxxxxxx`, contentType: 'text/plain', body }, 30_000);
      };
      // Spread the senders over the interval.
      timers.push(setTimeout(() => timers.push(setInterval(send, SEND_EVERY_MS)), Math.random() * SEND_EVERY_MS));
    }
  }
  return {
    samples,
    trace,
    lost: () => sent - received,
    late: (p) => (sentIn.get(p) ?? 0) - (samples.get(p)?.length ?? 0),
    async settled(p, timeoutMs) {
      const end = Date.now() + timeoutMs;
      while ((sentIn.get(p) ?? 0) > (samples.get(p)?.length ?? 0) && Date.now() < end) await sleep(50);
    },
    setPhase: (name) => {
      phase = name;
      phaseStart = performance.now();
    },
    stop: () => timers.forEach((t) => clearInterval(t)),
  };
}

interface Attacker {
  account: RawAccount;
  conversationId: string;
}

/** The hostile user and an accomplice who filled their conversation with BIG_MESSAGES bodies of 64 KiB. */
async function prepareAttacker(target: { url: string }): Promise<Attacker> {
  const account = await rawAccount(target, 'mallory');
  const accomplice = await rawAccount(target, 'trudy');
  const sm = await openSocket(target, account.token);
  const helpers = [await openSocket(target, accomplice.token), await openSocket(target, await accomplice.login()), await openSocket(target, await accomplice.login())];
  const conversationId = await pair(account, accomplice, sm, helpers[0] as Socket);
  await Promise.all(helpers.map(async (s, h) => {
    for (let i = h; i < BIG_MESSAGES; i += helpers.length) {
      const body = Buffer.alloc(64 * 1024, 0x61 + (i % 26));
      const answer = await ask(s, 'messages:send', { conversationId, clientKey: `big-${i}-xxxxxxxx`, contentType: 'text/plain', body });
      if (answer.error) throw new Error(`seeding failed: ${answer.error.code}`);
    }
  }));
  for (const s of [sm, ...helpers]) s.close();
  return { account, conversationId };
}

interface PhaseResult {
  phase: string;
  normal: LatencySummary;
  /** Messages of normal users sent in this phase and not delivered within 10 s of its end. */
  late: number;
  peakRssOverIdleMiB: number;
  rssAfterMiB: number;
  cut: number;
  refusedSockets: number;
  rateLimited: number;
  /** CPU used in the phase, in % of one core: the server, the attacker, and the whole machine (all processes). */
  cpu: { server: number; attacker: number; machine: number };
  /** The slowest messages of normal users: [ms after the phase began, latency ms]. */
  slowest: [number, number][];
  p99BoundMs?: number;
  ok: boolean;
}

/** How long the server's RSS took to come back within RECOVERY_MIB of idle after an attack (null: not in RECOVERY_S). */
interface Recovery {
  afterS: number | null;
  overIdleMiB: number;
  ok: boolean;
}

async function main(): Promise<void> {
  // Put this session's autogroup back as it was, whatever a renice did to it.
  const ownNice = autogroupNice();
  process.once('exit', () => ownNice !== undefined && setAutogroupNice(ownNice));
  const server = await startServer();
  const target = { url: server.url };
  const results: PhaseResult[] = [];
  const windows: { phase: string; from: number; to: number }[] = [];
  const attackers = startAttackers();
  try {
    const attacker = await prepareAttacker(target);
    const chat = await normalChat(target);
    await sleep(2_000);
    const idle = rssMiB(server.pid);

    // Does the server's RSS come back down after an attack? Measured from the end of each hostile phase's attack; the
    // last one's answer is the one checked (RECOVERY_MIB, RECOVERY_S).
    let recovery: Promise<Recovery> | undefined;
    let lastAttackEnd: number | undefined;
    const comesBackDown = async (since: number): Promise<Recovery> => {
      for (;;) {
        const over = rssMiB(server.pid) - idle;
        const after = (performance.now() - since) / 1000;
        if (over <= RECOVERY_MIB) return { afterS: round(after, 1), overIdleMiB: round(over, 1), ok: true };
        if (after >= RECOVERY_S) return { afterS: null, overIdleMiB: round(over, 1), ok: false };
        await sleep(200);
      }
    };

    const runPhase = async (phase: string, attack: (until: number) => Promise<AttackReport>, hostile = true) => {
      chat.setPhase(phase);
      const from = (performance.now() - server.startedAt) / 1000;
      const cutBefore = server.cuts();
      const cpuBefore = { server: sampleProcesses(processTree(server.pid)), attacker: sampleProcesses([attackers.pid]), machine: machineCpu() };
      let peak = rssMiB(server.pid);
      const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(server.pid))), 100);
      const outcome = await attack(Date.now() + PHASE_MS);
      if (hostile) {
        lastAttackEnd = performance.now();
        recovery = comesBackDown(lastAttackEnd);
      }
      const cpu = {
        server: cpuPercent(cpuBefore.server, sampleProcesses(processTree(server.pid))),
        attacker: cpuPercent(cpuBefore.attacker, sampleProcesses([attackers.pid])),
        machine: cpuPercent(cpuBefore.machine, machineCpu()),
      };
      windows.push({ phase, from, to: (performance.now() - server.startedAt) / 1000 });
      chat.setPhase(`${phase} (tail)`);
      // Every message of the phase arrives, or is counted late after 10 s.
      await chat.settled(phase, 10_000);
      clearInterval(sampler);
      const result: PhaseResult = {
        phase,
        normal: summarize([chat.samples.get(phase) ?? []]),
        late: chat.late(phase),
        peakRssOverIdleMiB: round(peak - idle, 1),
        rssAfterMiB: round(rssMiB(server.pid) - idle, 1),
        cut: server.cuts() - cutBefore,
        refusedSockets: outcome.refused,
        rateLimited: outcome.rateLimited,
        cpu,
        slowest: (chat.trace.get(phase) ?? []).sort((x, y) => y[1] - x[1]).slice(0, 8).map(([o, l]) => [o, round(l, 1)]),
        ok: peak - idle <= RSS_BOUND_MIB && chat.late(phase) === 0,
      };
      results.push(result);
      console.log(`  ${phase}: p50 ${result.normal.p50} ms, p99 ${result.normal.p99} ms, RSS +${result.peakRssOverIdleMiB} MiB, cut ${result.cut}`);
      if (args.trace) {
        console.log(`    cpu % of a core: server ${cpu.server}, attacker ${cpu.attacker}, machine ${cpu.machine}`);
        console.log(`    slowest [ms into phase, ms]: ${result.slowest.map(([o, l]) => `${o}:${l}`).join(' ')}`);
      }
      if (args.probe) printProbes(server.probes, from * 1000, (performance.now() - server.startedAt));
    };

    const quiet = async (until: number) => {
      await sleep(until - Date.now());
      return { refused: 0, rateLimited: 0 };
    };
    const hostile = (kind: AttackOrder['attack'], sockets: number) => (until: number) =>
      attackers.run({ attack: kind, sockets, url: server.url, username: attacker.account.username, authKey: attacker.account.authKey,
        token: attacker.account.token, conversationId: attacker.conversationId, durationMs: until - Date.now() });

    console.log(`abuse bench (${label}): ${PAIRS * 2} normal users, ${PHASE_MS / 1000} s phases, idle RSS ${round(idle, 1)} MiB`);
    const only = args.phases?.split(',');
    const wanted = (phase: string) => !only || phase === 'baseline' || only.includes(phase);
    await runPhase('baseline', quiet, false);
    for (const n of [1, 10, 100]) if (wanted(`slow-${n}`)) await runPhase(`slow-${n}`, hostile('slow', n));
    // The issue's "comes back down" is about the history floods: checked after the last of them, before the event
    // flood starts (it waits for the answer, at most RECOVERY_S).
    const back = await recovery;
    recovery = undefined;
    if (wanted('flood')) await runPhase('flood', hostile('flood', 50));
    await sleep(3_000);
    if (wanted('after')) await runPhase('after', quiet, false);
    // After the event flood: printed, not bounded (V8's young generation, grown by the flood to its configured size,
    // stays while normal traffic allocates: docs/PERFORMANCE.md, "A page budget per user").
    const floodBack = await (recovery as Promise<Recovery> | undefined);
    chat.stop();

    const base = results[0]?.normal.p99 ?? 0;
    const bound = Math.max(P99_FACTOR * base, P99_FLOOR_MS);
    // The issue's bound: the history-flood attack (slow-1/10/100) keeps other users' p99 within 2x of the baseline.
    // The event flood's p99 is measured and printed, not yet bounded (docs/PERFORMANCE.md).
    for (const r of results.filter((x) => x.phase.startsWith('slow-'))) {
      r.p99BoundMs = round(bound, 1);
      r.ok = r.ok && r.normal.p99 <= bound;
    }
    printTable(results, idle);
    if (back) {
      console.log(back.ok
        ? `RSS came back down: within ${RECOVERY_MIB} MiB of idle ${back.afterS} s after the last history flood (now +${back.overIdleMiB} MiB)`
        : `RSS did NOT come back down: still +${back.overIdleMiB} MiB over idle ${RECOVERY_S} s after the last history flood (bound ${RECOVERY_MIB} MiB${RECOVERY_CHECKED ? '' : ', not checked in the short run'})`);
    }
    if (floodBack) {
      console.log(`after the event flood (not bounded): ${floodBack.ok ? `within ${RECOVERY_MIB} MiB of idle ${floodBack.afterS} s after` : `+${floodBack.overIdleMiB} MiB over idle ${RECOVERY_S} s after`}`);
    }
    if (args.probe && lastAttackEnd !== undefined) {
      // What the server's memory did after the last attack (the probe's samples, one a second): heap or buffers?
      const since = lastAttackEnd - server.startedAt;
      const mem = server.probes.filter((p) => p.kind === 'mem' && p.at >= since - 1000);
      console.log('memory after the last attack [s: rss heapUsed/heapTotal external] MiB:');
      console.log(`  ${mem.map((p) => `${round((p.at - since) / 1000, 0)}: ${p.rss} ${p.heapUsed}/${p.heapTotal} ${p.external}`).join(' · ')}`);
    }
    const out = path.join(BENCH_DIR, 'results', `abuse-${label}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify({ label, short: SHORT, at: new Date().toISOString(), pairs: PAIRS, phaseMs: PHASE_MS,
      bigMessages: BIG_MESSAGES, idleRssMiB: round(idle, 1), bounds: { rssMiB: RSS_BOUND_MIB, p99Factor: P99_FACTOR, p99FloorMs: P99_FLOOR_MS, recoveryMiB: RECOVERY_MIB, recoveryS: RECOVERY_S },
      recovery: back,
      recoveryAfterFlood: floodBack,
      normalLost: chat.lost(), loadAverage: os.loadavg(), results }, null, 2)}\n`);
    console.log(`wrote ${path.relative(ROOT, out)}`);
    const broken = results.filter((r) => !r.ok).map((r) => r.phase);
    if (back && !back.ok && RECOVERY_CHECKED) broken.push('recovery');
    if (broken.length > 0) {
      console.error(`FAILED: bounds broken in ${broken.join(', ')}`);
      process.exitCode = 1;
    }
  } finally {
    attackers.stop();
    await server.stop();
  }
  if (args['cpu-prof']) printProfiles(windows);
  // Paused and refused sockets may keep handles alive.
  setTimeout(() => process.exit(), 200).unref();
}

/** Where the server's main thread spent each phase (the busiest profile: tsx's loader thread is one too). */
function printProfiles(windows: { phase: string; from: number; to: number }[]): void {
  const files = fs.existsSync(PROFILE_DIR) ? fs.readdirSync(PROFILE_DIR).filter((f) => f.endsWith('.cpuprofile')) : [];
  const main = files
    .map((f) => path.join(PROFILE_DIR, f))
    .sort((a, b) => summarizeProfile(b).busyMs - summarizeProfile(a).busyMs)[0];
  if (!main) return;
  // The server's clock starts a little after ours: offsets are approximate by the process start time.
  for (const w of windows) {
    const s = summarizeProfile(main, { from: w.from, to: w.to, top: 15 });
    console.log(`\n[${w.phase}]`);
    printProfileSummary(s);
  }
  console.log(`profiles in ${PROFILE_DIR}`);
}

/** The server's event-loop stalls, GC pauses and memory (bench/abuse-probe.ts) between two server times (ms). */
function printProbes(probes: Probe[], from: number, to: number): void {
  // The server's clock starts a little after ours (its start-up): the offsets are approximate by that much.
  const inside = probes.filter((p) => p.at >= from && p.at <= to);
  const at = (p: Probe) => Math.round(p.at - from);
  const stalls = inside.filter((p) => p.kind === 'stall');
  const gcs = inside.filter((p) => p.kind === 'gc');
  console.log(`    stalls [ms into phase:ms]: ${stalls.map((p) => `${at(p)}:${p.ms}`).join(' ') || 'none'}`);
  console.log(`    GC over 10 ms [ms into phase:ms kind]: ${gcs.map((p) => `${at(p)}:${p.ms} ${p.gc}`).join(' ') || 'none'}`);
  const bursts = inside.filter((p) => p.kind === 'burst') as (Probe & { messages?: number })[];
  console.log(`    turns of 200+ frames [ms into phase:frames/CPU ms]: ${bursts.map((p) => `${at(p)}:${p.messages}/${p.ms}`).join(' ') || 'none'}`);
  const mem = inside.filter((p) => p.kind === 'mem').at(-1);
  if (mem) console.log(`    memory at the end (MiB): rss ${mem.rss}, heapUsed ${mem.heapUsed}, external ${mem.external}, arrayBuffers ${mem.arrayBuffers}`);
}

function printTable(results: PhaseResult[], idle: number): void {
  const rows = results.map((r) => [r.phase, String(r.normal.count), String(r.late), r.normal.p50.toFixed(1), r.normal.p99.toFixed(1),
    r.p99BoundMs?.toFixed(1) ?? '', `+${r.peakRssOverIdleMiB}`, `+${r.rssAfterMiB}`, String(r.cut), String(r.refusedSockets),
    String(r.rateLimited), r.ok ? 'ok' : 'BROKEN']);
  const head = ['phase', 'msgs', 'late', 'p50 ms', 'p99 ms', 'p99 bound', 'peak RSS MiB', 'RSS after', 'cut', 'refused', 'rate-limited', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  console.log(`\nnormal users' send→deliver latency and the server's RSS over idle (${round(idle, 1)} MiB)`);
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

await main();
