// Load benchmark: many users connected (most idle), pairs and small groups chatting at a target rate, ramping until
// the latency budget breaks — against Parley and, in the same run, against a bare socket.io relay.
//   npm run bench                                   (10,000 users, SQLite, rates 500 … 16,000 msg/s)
//   npm run bench:short                             (CI: 200 users, 2 short steps; exits 1 on any lost/duplicated)
//   npm run bench -- --users 2000 --rates 200,500,1000 --label medium
//   npm run bench -- --database-url postgres://… --redis-url redis://… --workers 2
//   npm run bench -- --url http://127.0.0.1:5000 --server-pid 1234   (a server already running)
//   npm run bench -- --cpu-prof                     (profile the server; summary in the JSON)
// Prints a table per target and writes bench/results/bench-<label>.json. See bench/README.md.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { printProfileSummary, summarizeProfile, type ProfileSummary } from './profile-summary.js';
import { BENCH_DIR, Generator, startParley, startRelay, type TargetProcess } from './processes.js';
import { createProgress, type Progress } from './progress.js';
import type { BodyKind, FinalStepReport, GeneratorReport, ParleyClientKind, StepReport, TargetKind } from './protocol.js';
import {
  autogroupNice,
  cpuPercent,
  cpuPressure,
  loadAverage,
  processTree,
  renice,
  round,
  sampleMachine,
  sampleProcesses,
  setAutogroupNice,
  summarize,
  type LatencySummary,
  type MachineSample,
  type ProcessSample,
} from './stats.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string' },
    'active-fraction': { type: 'string' },
    rates: { type: 'string' },
    'relay-rates': { type: 'string' },
    'step-seconds': { type: 'string' },
    'drain-seconds': { type: 'string' },
    'budget-ms': { type: 'string' },
    generators: { type: 'string' },
    concurrency: { type: 'string' },
    'message-bytes': { type: 'string' },
    label: { type: 'string' },
    short: { type: 'boolean', default: false },
    url: { type: 'string' },
    'server-pid': { type: 'string' },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
    workers: { type: 'string' },
    'no-relay': { type: 'boolean', default: false },
    'relay-only': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'keep-data': { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    nice: { type: 'string' },
    'keep-going': { type: 'boolean', default: false },
    'warmup-seconds': { type: 'string' },
    'node-flags': { type: 'string' },
    client: { type: 'string' },
    body: { type: 'string' },
    'commit-every': { type: 'string' },
    'source-addresses': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`npm run bench -- [options]
  --users N              connected users (default 10000; --short 200)
  --active-fraction F    share of users in chatting pairs/groups (default 0.1; --short 0.5)
  --rates A,B,C          target messages/s per step (default 500,1000,2000,4000,8000,16000; --short 100,300)
  --relay-rates A,B,C    steps for the bare relay (default: --rates)
  --step-seconds S       length of each step (default 10; --short 5)
  --drain-seconds S      longest wait after a step for acks/deliveries (default 10; --short 5)
  --budget-ms MS         p99 send→deliver budget (default 50)
  --generators N         load generator processes (default 2)
  --concurrency N        sign-ups/connects in flight per generator (default 16)
  --message-bytes N      body size (default 128)
  --label NAME           results go to bench/results/bench-NAME.json
  --url URL              a Parley server already running (its rate limits must allow the load)
  --server-pid PID       with --url: the process to measure (RSS, CPU)
  --database-url URL     PostgreSQL for the started server (default: a fresh SQLite file)
  --redis-url URL        Redis for the started server
  --workers N            WORKERS=N for the started server (needs --database-url and --redis-url)
  --no-relay / --relay-only   skip the relay / Parley
  --client wire|sdk      how the generators speak to Parley (default wire: a bare socket.io client, as for the relay;
                         sdk: the full ParleyClient, whose ordering, outbox and validation cost the generators CPU;
                         the default with --workers > 1, where only the SDK restores the order of live events)
  --body mls|plain       message bodies (default mls: every conversation is a real MLS group, every message a real
                         PrivateMessage encrypted before the step, commits mixed in; plain: UTF-8 text, no MLS check).
                         With mls the relay carries bodies of the same size
  --commit-every N       with --body mls: one commit (fresh keys) per N messages (default 500; 0: none)
  --source-addresses N   spread connections over 127.0.0.2 … 127.0.0.(N+1) (default: one per 20,000 users; 1: the
                         kernel's choice), so that the ~28,000 ephemeral ports of one source address do not bind
  --cpu-prof             profile the server (node --cpu-prof) and summarise where its time went
  --node-flags=…         extra node flags for the server and the relay (e.g. --node-flags=--max-semi-space-size=64)
  --keep-data            keep the SQLite directory
  --data-dir DIR         make the SQLite directory under DIR (default: the OS temp dir)
  --warmup-seconds S     a warm-up at min(first rate, 500) msg/s before the ramp, not a step (default 5; 0: none)
  --keep-going           run every step even past the budget (stop only when messages fail, go missing or double)
  --nice=N               run the server, relay and generators at this nice value (e.g. --nice=-10 as root on a busy machine)`);
  process.exit(0);
}

const short = args.short;
/** The warm-up's rate at most: enough to compile the hot paths, far below any server's limit. */
const WARMUP_RATE = 500;
function bodyKind(v: string | undefined): BodyKind {
  if (v === 'mls' || v === 'plain') return v;
  throw new Error(`--body is mls or plain, not ${v}`);
}
function clientKind(v: string | undefined): ParleyClientKind {
  if (v === 'wire' || v === 'sdk') return v;
  throw new Error(`--client is wire or sdk, not ${v}`);
}
const num = (v: string | undefined, fallback: number): number => {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a number: ${v}`);
  return n;
};
const rateList = (v: string | undefined, fallback: number[]): number[] =>
  v === undefined ? fallback : v.split(',').map((s) => num(s.trim(), 0)).filter((n) => n > 0);

const opts = {
  users: Math.floor(num(args.users, short ? 200 : 10_000)),
  activeFraction: num(args['active-fraction'], short ? 0.5 : 0.1),
  rates: rateList(args.rates, short ? [100, 300] : [500, 1000, 2000, 4000, 8000, 16000]),
  relayRates: [] as number[],
  stepSeconds: num(args['step-seconds'], short ? 5 : 10),
  drainSeconds: num(args['drain-seconds'], short ? 5 : 10),
  budgetMs: num(args['budget-ms'], 50),
  generators: Math.max(1, Math.floor(num(args.generators, 2))),
  concurrency: Math.max(1, Math.floor(num(args.concurrency, 16))),
  messageBytes: Math.floor(num(args['message-bytes'], 128)),
  url: args.url,
  serverPid: args['server-pid'] ? Number(args['server-pid']) : undefined,
  databaseUrl: args['database-url'],
  redisUrl: args['redis-url'],
  workers: Math.max(1, Math.floor(num(args.workers, 1))),
  warmupSeconds: num(args['warmup-seconds'], short ? 0 : 5),
  relay: !args['no-relay'],
  // Across instances live events may arrive out of order (the SDK restores the order; a bare client would not).
  client: clientKind(args.client ?? (Number(args.workers ?? 1) > 1 ? 'sdk' : 'wire')),
  body: bodyKind(args.body ?? (args.client === 'sdk' || Number(args.workers ?? 1) > 1 ? 'plain' : 'mls')),
  commitEvery: Math.floor(num(args['commit-every'], 500)),
  sourceAddresses: [] as string[],
  parley: !args['relay-only'],
  cpuProf: args['cpu-prof'],
  nodeFlags: (args['node-flags'] ?? '').split(' ').filter(Boolean),
  keepData: args['keep-data'],
  dataDir: args['data-dir'],
  nice: args.nice === undefined ? undefined : Number(args.nice),
  keepGoing: short || args['keep-going'],
};
opts.relayRates = rateList(args['relay-rates'], opts.rates);
{
  const n = Math.max(1, Math.floor(num(args['source-addresses'], Math.ceil(opts.users / 20_000))));
  opts.sourceAddresses = n <= 1 ? [] : Array.from({ length: n }, (_, i) => `127.0.0.${i + 2}`);
}
if (opts.body === 'mls' && opts.client !== 'wire') throw new Error('--body mls needs --client wire');
const dialect = opts.url ? 'external' : opts.databaseUrl ? 'postgres' : 'sqlite';
const label = args.label ?? (short ? 'short' : `${dialect}-${opts.users}u${opts.workers > 1 ? `-${opts.workers}w` : ''}`);
const runId = Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, '0');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (kib: number) => round(kib / 1024, 1);

/** Soft limit on open files of this process (inherited by the children), from /proc/self/limits. */
function openFilesLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    return m?.[1] === 'unlimited' ? Number.POSITIVE_INFINITY : m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

interface StepRow {
  step: number;
  users: number;
  targetRate: number;
  /** With MLS bodies: commits among the pooled messages (sent unless the step ended first), and the pool's making. */
  commitsPooled: number;
  prepareSeconds: number;
  /** Sends started per second (what the generators managed to offer). */
  offeredRate: number;
  ackedRate: number;
  /** Messages that reached every member within the step window, per second. */
  deliveredRate: number;
  /** Per-recipient deliveries (members other than the sender) within the window, per second. */
  deliveriesRate: number;
  latencyMs: LatencySummary;
  ackLatencyMs: LatencySummary;
  sent: number;
  acked: number;
  failed: number;
  unacked: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  late: number;
  disconnects: number;
  errorSamples: string[];
  serverRssMiB: number;
  serverRssMaxMiB: number;
  serverFds: number;
  serverCpuPercent: number;
  generatorCpuPercent: number;
  otherCpuPercent: number;
  loadAverage: string;
  /** PSI: % of the last 10 s in which a runnable task waited for a CPU (any process on the machine). */
  cpuPressurePercent: number | null;
  withinBudget: boolean;
  verdict: string;
  /** Offsets (s) since the server process started: the step's window, to cut a CPU profile. */
  windowFromServerStart: [number, number];
}

/** The size of one PrivateMessage of --message-bytes of text (from Parley's run): the relay's body size with MLS. */
let mlsBodyBytes: number | undefined;

interface TargetResult {
  target: TargetKind;
  /** Bytes of one message body (with MLS: a PrivateMessage; the relay's text is as long). */
  bodyBytes: number;
  url: string;
  users: { requested: number; connected: number; failedToConnect: number; active: number; directs: number; groups: number };
  setupSeconds: { signup: number; connect: number; conversations: number };
  rss: { startMiB: number; idleBeforeConnectMiB: number; allConnectedMiB: number; perConnectionKiB: number };
  fds: { idleBeforeConnect: number; allConnected: number };
  /** The warm-up before the ramp (step 0): checked for loss, not part of the ramp. */
  warmup?: StepRow;
  steps: StepRow[];
  maxSustainedRate: number;
  maxSustainedDeliveredRate: number;
  unknownMessages: number;
  cpuProfile?: ProfileSummary;
  failure?: string;
}

async function runTarget(kind: TargetKind, rates: number[], progress: Progress): Promise<TargetResult> {
  const profileDir = path.join(os.tmpdir(), `parley-bench-prof-${label}-${kind}`);
  const nodeFlags = [...opts.nodeFlags, ...(opts.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])];
  if (opts.cpuProf) fs.rmSync(profileDir, { recursive: true, force: true });
  progress.log(`\n== ${kind}: starting ${kind === 'parley' ? (opts.url ? `(external ${opts.url})` : `the Parley server (${dialect})`) : 'the bare relay'}`);
  let server: TargetProcess;
  if (kind === 'relay') server = await startRelay(nodeFlags);
  else if (opts.url) {
    server = { url: opts.url, pid: opts.serverPid, spawnedAt: performance.now(), output: () => '', stop: () => Promise.resolve() };
  } else {
    server = await startParley({
      databaseUrl: opts.databaseUrl,
      redisUrl: opts.redisUrl,
      workers: opts.workers,
      nodeFlags,
      keepData: opts.keepData,
      dataParent: opts.dataDir,
    });
  }
  const serverPids = () => (server.pid ? processTree(server.pid) : []);
  const reniceAll = () => {
    if (opts.nice !== undefined) renice([...serverPids(), ...generatorPids()], opts.nice);
  };
  const result: TargetResult = {
    target: kind,
    url: server.url,
    bodyBytes: opts.messageBytes,
    users: { requested: opts.users, connected: 0, failedToConnect: 0, active: 0, directs: 0, groups: 0 },
    setupSeconds: { signup: 0, connect: 0, conversations: 0 },
    rss: { startMiB: 0, idleBeforeConnectMiB: 0, allConnectedMiB: 0, perConnectionKiB: 0 },
    fds: { idleBeforeConnect: 0, allConnected: 0 },
    steps: [],
    maxSustainedRate: 0,
    maxSustainedDeliveredRate: 0,
    unknownMessages: 0,
  };
  await sleep(500);
  result.rss.startMiB = mib(sampleProcesses(serverPids()).rssKiB);

  // Progress from every generator, summed per phase.
  const phaseDone = new Map<number, number>();
  let phaseTotal = 0;
  let phaseLabel = '';
  const ticks = new Map<number, { sent: number; acked: number; delivered: number }>();
  let stepLabel = (): string => '';
  const onReport = (g: Generator, r: GeneratorReport) => {
    if (r.type === 'progress') {
      phaseDone.set(g.index, r.done);
      progress.update([...phaseDone.values()].reduce((a, b) => a + b, 0), phaseLabel);
    } else if (r.type === 'stepTick') {
      ticks.set(g.index, { sent: r.sent, acked: r.acked, delivered: r.delivered });
      progress.update(Math.round(performance.now() / 1000 - stepStartS), stepLabel());
    } else if (r.type === 'error') {
      progress.log(`generator ${g.index}: ${r.message}`);
    }
  };
  let stepStartS = 0;
  const phase = (name: string, total: number) => {
    phaseDone.clear();
    phaseTotal = total;
    phaseLabel = `${kind}: ${name}`;
    progress.start(phaseTotal, phaseLabel);
  };

  const generators = Array.from({ length: opts.generators }, (_, i) => Generator.start(i, onReport));
  const generatorPids = () => generators.flatMap((g) => (g.pid ? processTree(g.pid) : []));
  reniceAll();
  try {
    // 1. Accounts (Parley: through the SDK's sign-up, in parallel across generators).
    const t0 = performance.now();
    phase(kind === 'parley' ? 'sign up' : 'prepare', opts.users);
    await Promise.all(
      generators.map((g) => {
        const users = Math.floor(opts.users / opts.generators) + (g.index < opts.users % opts.generators ? 1 : 0);
        return g.ask(
          {
            type: 'setup',
            config: {
              target: kind,
              url: server.url,
              index: g.index,
              runId,
              users,
              activeFraction: opts.activeFraction,
              // With MLS bodies the relay carries text as long as Parley's PrivateMessages were.
              messageBytes: kind === 'relay' && opts.body === 'mls' ? (mlsBodyBytes ?? opts.messageBytes) : opts.messageBytes,
              concurrency: opts.concurrency,
              client: opts.client,
              body: opts.body,
              commitEvery: opts.commitEvery,
              sourceAddresses: opts.sourceAddresses,
            },
          },
          'setupDone',
        );
      }),
    );
    result.setupSeconds.signup = round((performance.now() - t0) / 1000, 1);
    progress.stop();

    // 2. Everyone connects; RSS before and after gives the cost of an idle connection.
    await sleep(2_000);
    const idle = sampleProcesses(serverPids());
    result.rss.idleBeforeConnectMiB = mib(idle.rssKiB);
    result.fds.idleBeforeConnect = idle.fds;
    const t1 = performance.now();
    phase('connect', opts.users);
    const connectedReports = await Promise.all(generators.map((g) => g.ask({ type: 'connect' }, 'connected')));
    result.setupSeconds.connect = round((performance.now() - t1) / 1000, 1);
    progress.stop();
    result.users.connected = connectedReports.reduce((n, r) => n + r.users, 0);
    result.users.failedToConnect = connectedReports.reduce((n, r) => n + r.failed, 0);
    const samples = connectedReports.flatMap((r) => r.errorSamples).slice(0, 5);
    if (result.users.failedToConnect > 0) progress.log(`${kind}: ${result.users.failedToConnect} connections failed: ${samples.join('; ')}`);
    await sleep(3_000);
    const allConnected = sampleProcesses(serverPids());
    result.rss.allConnectedMiB = mib(allConnected.rssKiB);
    result.fds.allConnected = allConnected.fds;
    result.rss.perConnectionKiB = result.users.connected > 0 ? round((allConnected.rssKiB - idle.rssKiB) / result.users.connected, 1) : 0;
    progress.log(
      `${kind}: ${result.users.connected} connected in ${result.setupSeconds.connect} s; server RSS ${result.rss.idleBeforeConnectMiB} → ${result.rss.allConnectedMiB} MiB (${result.rss.perConnectionKiB} KiB per connection)`,
    );
    if (result.users.connected === 0) throw new Error(`no user could connect: ${samples.join('; ')}`);

    // 3. Contacts, direct conversations and groups among the active users.
    const t2 = performance.now();
    phase('conversations', Math.round(opts.users * opts.activeFraction * 0.35));
    const talking = await Promise.all(generators.map((g) => g.ask({ type: 'converse' }, 'conversing')));
    result.setupSeconds.conversations = round((performance.now() - t2) / 1000, 1);
    progress.stop();
    result.users.active = talking.reduce((n, r) => n + r.activeUsers, 0);
    result.users.directs = talking.reduce((n, r) => n + r.directs, 0);
    result.users.groups = talking.reduce((n, r) => n + r.groups, 0);
    if (kind === 'parley' && opts.body === 'mls') {
      mlsBodyBytes = Math.max(...talking.map((r) => r.bodyBytes));
      result.bodyBytes = mlsBodyBytes;
    } else result.bodyBytes = kind === 'relay' && opts.body === 'mls' ? (mlsBodyBytes ?? opts.messageBytes) : opts.messageBytes;
    progress.log(`${kind}: ${result.users.active} active users in ${result.users.directs} direct conversations and ${result.users.groups} groups`);

    // 4. A warm-up (JIT, the database's first pages), then the ramp. The warm-up's messages are checked like any
    // step's (a loss there fails the run) but its latencies are not a step of the ramp.
    reniceAll();
    if (opts.warmupSeconds > 0) {
      const rate = Math.min(rates[0] ?? WARMUP_RATE, WARMUP_RATE);
      stepLabel = () => `${kind}: warm-up at ${rate} msg/s`;
      progress.start(opts.warmupSeconds + opts.drainSeconds, stepLabel());
      stepStartS = performance.now() / 1000;
      const row = await runStep(0, rate, generators, serverPids, generatorPids, server, result.users.connected, opts.warmupSeconds);
      progress.stop();
      result.warmup = row;
      progress.log(`${kind} warm-up: ${rate}/s for ${opts.warmupSeconds} s, p99 ${row.latencyMs.p99} ms, server CPU ${row.serverCpuPercent} %`);
    }
    for (const [i, rate] of rates.entries()) {
      const step = i + 1;
      ticks.clear();
      stepLabel = () => {
        const s = [...ticks.values()].reduce((a, t) => ({ sent: a.sent + t.sent, acked: a.acked + t.acked, delivered: a.delivered + t.delivered }), {
          sent: 0,
          acked: 0,
          delivered: 0,
        });
        return `${kind}: step ${step}/${rates.length} at ${rate} msg/s — sent ${s.sent}, acked ${s.acked}, delivered ${s.delivered}`;
      };
      progress.start(opts.stepSeconds + opts.drainSeconds, stepLabel());
      stepStartS = performance.now() / 1000;
      const row = await runStep(step, rate, generators, serverPids, generatorPids, server, result.users.connected);
      progress.stop();
      result.steps.push(row);
      progress.log(
        `${kind} step ${step}: target ${rate}/s, delivered ${row.deliveredRate}/s, p50/p95/p99 ${row.latencyMs.p50}/${row.latencyMs.p95}/${row.latencyMs.p99} ms, server CPU ${row.serverCpuPercent} %, RSS ${row.serverRssMiB} MiB — ${row.verdict}`,
      );
      // The ramp ends when the budget breaks; --short and --keep-going run every step unless messages go wrong.
      const errors = row.failed + row.unacked + row.lost + row.duplicated + row.outOfOrder > 0;
      if (!row.withinBudget && (!opts.keepGoing || errors)) break;
    }

    // 5. Whatever never arrived after a last grace period is lost.
    const finals = await Promise.all(generators.map((g) => g.ask({ type: 'final', graceMs: opts.drainSeconds * 1000 }, 'finalDone')));
    for (const row of result.warmup ? [result.warmup, ...result.steps] : result.steps) {
      const per = finals.map((f) => f.steps.find((s) => s.step === row.step)).filter((s): s is FinalStepReport => s !== undefined);
      row.lost = per.reduce((n, s) => n + s.lost, 0);
      row.duplicated = per.reduce((n, s) => n + s.duplicated, 0);
      row.late = per.reduce((n, s) => n + s.late, 0);
      row.unacked = per.reduce((n, s) => n + s.unacked, 0);
      if (row.lost > 0 || row.duplicated > 0) {
        row.withinBudget = false;
        row.verdict = `${row.lost} lost, ${row.duplicated} duplicated`;
      }
    }
    result.unknownMessages = finals.reduce((n, f) => n + f.unknown, 0);
  } catch (err) {
    result.failure = err instanceof Error ? err.message : String(err);
    progress.stop();
    progress.log(`${kind}: FAILED: ${result.failure}\n${server.output().slice(-3_000)}`);
  } finally {
    progress.stop();
    await Promise.all(generators.map((g) => g.stop().catch(() => undefined)));
    await server.stop();
  }
  const sustained = result.steps.filter((s) => s.withinBudget);
  result.maxSustainedRate = Math.max(0, ...sustained.map((s) => s.targetRate));
  result.maxSustainedDeliveredRate = Math.max(0, ...sustained.map((s) => s.deliveredRate));

  if (opts.cpuProf && fs.existsSync(profileDir)) {
    const files = fs.readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
    const first = result.steps[0];
    const last = result.steps[result.steps.length - 1];
    // One profile per thread that ran JavaScript (tsx's loader thread, cluster workers…): keep the busy ones.
    for (const f of files) {
      try {
        const summary = summarizeProfile(path.join(profileDir, f), {
          ...(first && last ? { from: first.windowFromServerStart[0], to: last.windowFromServerStart[1] } : {}),
          top: 30,
        });
        if (summary.busyMs < 0.01 * (summary.busyMs + summary.idleMs)) continue;
        if (!result.cpuProfile || summary.busyMs > result.cpuProfile.busyMs) result.cpuProfile = summary;
        printProfileSummary(summary);
      } catch (err) {
        progress.log(`could not read the profile ${f}: ${String(err)}`);
      }
    }
    console.log(`profiles kept in ${profileDir}`);
  }
  return result;
}

async function runStep(
  step: number,
  rate: number,
  generators: Generator[],
  serverPids: () => number[],
  generatorPids: () => number[],
  server: TargetProcess,
  users: number,
  windowSeconds = opts.stepSeconds,
): Promise<StepRow> {
  const windowMs = windowSeconds * 1000;
  const perGenerator = rate / generators.length;
  // Not timed: with MLS bodies, the generators encrypt the step's messages and commits now.
  const prepared = await Promise.all(generators.map((g) => g.ask({ type: 'prepare', step, rate: perGenerator, durationMs: windowMs }, 'prepared')));
  const sPids = serverPids();
  const gPids = generatorPids();
  const s0 = sampleProcesses(sPids);
  const g0 = sampleProcesses(gPids);
  const m0 = sampleMachine();
  let rssMax = s0.rssKiB;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, sampleProcesses(sPids).rssKiB);
  }, 500);
  type End = { s: ProcessSample; g: ProcessSample; m: MachineSample; load: string; psi: number | undefined };
  const sampleEnd = (): End => ({ s: sampleProcesses(sPids), g: sampleProcesses(gPids), m: sampleMachine(), load: loadAverage(), psi: cpuPressure() });
  let atWindowEnd: End | undefined;
  const windowTimer = setTimeout(() => {
    atWindowEnd = sampleEnd();
  }, windowMs);
  let reports: StepReport[];
  try {
    reports = (
      await Promise.all(
        generators.map((g) =>
          g.ask({ type: 'step', step, rate: perGenerator, durationMs: windowMs, drainMs: opts.drainSeconds * 1000 }, 'stepDone'),
        ),
      )
    ).map((r) => r.report);
  } finally {
    clearInterval(sampler);
    clearTimeout(windowTimer);
  }
  const end = atWindowEnd ?? sampleEnd();
  rssMax = Math.max(rssMax, end.s.rssKiB);
  const seconds = windowMs / 1000;
  const sum = (f: (r: StepReport) => number) => reports.reduce((n, r) => n + f(r), 0);
  const serverCpu = cpuPercent(s0, end.s);
  const generatorCpu = cpuPercent(g0, end.g);
  const cores = os.cpus().length;
  const machineBusy = ((end.m.busyTicks - m0.busyTicks) / Math.max(1, end.m.totalTicks - m0.totalTicks)) * cores * 100;
  const latency = summarize(reports.map((r) => r.latencies));
  const row: StepRow = {
    step,
    users,
    targetRate: rate,
    commitsPooled: prepared.reduce((n, p) => n + p.commits, 0),
    prepareSeconds: round(Math.max(...prepared.map((p) => p.seconds)), 1),
    offeredRate: round(sum((r) => r.sent) / seconds, 1),
    ackedRate: round(sum((r) => r.acked) / seconds, 1),
    deliveredRate: round(sum((r) => r.completedInWindow) / seconds, 1),
    deliveriesRate: round(sum((r) => r.deliveriesInWindow) / seconds, 1),
    latencyMs: latency,
    ackLatencyMs: summarize(reports.map((r) => r.ackLatencies)),
    sent: sum((r) => r.sent),
    acked: sum((r) => r.acked),
    failed: sum((r) => r.failed),
    unacked: sum((r) => r.unacked),
    lost: sum((r) => r.undeliveredAtDrain),
    duplicated: sum((r) => r.duplicated),
    outOfOrder: sum((r) => r.outOfOrder),
    late: 0,
    disconnects: sum((r) => r.disconnects),
    errorSamples: reports.flatMap((r) => r.errorSamples).slice(0, 5),
    serverRssMiB: mib(end.s.rssKiB),
    serverRssMaxMiB: mib(rssMax),
    serverFds: end.s.fds,
    serverCpuPercent: serverCpu,
    generatorCpuPercent: generatorCpu,
    otherCpuPercent: round(Math.max(0, machineBusy - (Number.isFinite(serverCpu) ? serverCpu : 0) - generatorCpu), 1),
    loadAverage: end.load,
    cpuPressurePercent: end.psi ?? null,
    withinBudget: true,
    verdict: 'ok',
    windowFromServerStart: [
      round((s0.at - server.spawnedAt) / 1000, 2),
      round((s0.at + windowMs - server.spawnedAt) / 1000, 2),
    ],
  };
  const problems: string[] = [];
  if (!(latency.p99 <= opts.budgetMs)) problems.push(`p99 ${latency.p99} ms > ${opts.budgetMs} ms`);
  if (row.failed > 0) problems.push(`${row.failed} sends failed`);
  if (row.unacked > 0) problems.push(`${row.unacked} unacknowledged`);
  if (row.lost > 0) problems.push(`${row.lost} undelivered`);
  if (row.duplicated > 0) problems.push(`${row.duplicated} duplicated`);
  if (row.outOfOrder > 0) problems.push(`${row.outOfOrder} out of order`);
  if (row.offeredRate < 0.95 * rate) problems.push(`generators offered only ${row.offeredRate}/s`);
  else if (row.deliveredRate < 0.95 * rate) problems.push(`delivered only ${row.deliveredRate}/s`);
  if (problems.length > 0) {
    row.withinBudget = false;
    row.verdict = problems.join(', ');
  }
  return row;
}

const maxDelivered = (r: TargetResult): number => Math.max(0, ...r.steps.map((s) => s.deliveredRate));

function printTable(r: TargetResult): void {
  console.log(
    `\n${r.target} (${r.bodyBytes}-byte bodies${r.target === 'parley' ? `, ${opts.body === 'mls' ? 'MLS' : 'plain'}` : ''}): ${r.users.connected}/${r.users.requested} users connected (${r.users.active} active: ${r.users.directs} direct, ${r.users.groups} groups); ` +
      `RSS ${r.rss.idleBeforeConnectMiB} → ${r.rss.allConnectedMiB} MiB = ${r.rss.perConnectionKiB} KiB per connection; ` +
      `setup: sign-up ${r.setupSeconds.signup} s, connect ${r.setupSeconds.connect} s, conversations ${r.setupSeconds.conversations} s`,
  );
  if (r.failure) console.log(`  FAILED: ${r.failure}`);
  console.table(
    r.steps.map((s) => ({
      users: s.users,
      'target/s': s.targetRate,
      'sent/s': s.offeredRate,
      'delivered/s': s.deliveredRate,
      commits: s.commitsPooled,
      'p50 ms': s.latencyMs.p50,
      'p95 ms': s.latencyMs.p95,
      'p99 ms': s.latencyMs.p99,
      lost: s.lost,
      dup: s.duplicated,
      'RSS MiB': s.serverRssMiB,
      'KiB/conn': r.rss.perConnectionKiB,
      'CPU %': s.serverCpuPercent,
      'gen CPU %': s.generatorCpuPercent,
      'other CPU %': s.otherCpuPercent,
      'CPU wait %': s.cpuPressurePercent ?? 'n/a',
      ok: s.withinBudget ? 'yes' : s.verdict,
    })),
  );
}

/**
 * Every connection is a descriptor in the server and in a generator: when the soft limit on open files is below the
 * hard one, the benchmark runs itself again under `ulimit -n <hard>` (children inherit it). Raising the hard limit
 * needs root (LimitNOFILE, limits.conf): see docs/PERFORMANCE.md.
 */
function raiseOpenFilesLimit(): void {
  if (process.env.PARLEY_BENCH_ULIMIT_RAISED) return;
  let hard: string;
  try {
    hard = execFileSync('/bin/sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
  } catch {
    return;
  }
  const soft = openFilesLimit();
  if (soft === undefined || (hard !== 'unlimited' && Number(hard) <= soft)) return;
  const run = spawnSync('/bin/sh', ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$@"', 'sh', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, PARLEY_BENCH_ULIMIT_RAISED: '1' },
  });
  process.exit(run.status ?? 2);
}

async function main(): Promise<void> {
  raiseOpenFilesLimit();
  const limit = openFilesLimit();
  const notes = [
    'Client KDF: the generators sign up with the test-only Argon2id {memoryKiB: 256, iterations: 1, parallelism: 1} ' +
      '(NODE_ENV=test, PARLEY_INSECURE_TEST_KDF=true). The client-side KDF cost is not what this benchmark measures; ' +
      'the server still hashes every authKey with its production argon2id (m=19 MiB, t=2).',
    `Load generators run in ${opts.generators} processes of their own on the same machine as the server: they share its ${os.cpus().length} cores (see generatorCpuPercent).`,
    'otherCpuPercent is machine CPU used by neither the server nor the generators (other work on the machine); 100 % = one core. ' +
      'cpuPressurePercent ("CPU wait %") is Linux PSI cpu some avg10: the share of time some runnable task waited for a core.',
    'Latency is send → deliver at each member other than the sender (plain: the send time carried in the text; MLS: the time the ' +
      'send fell due, kept by the generator, which holds sender and receivers alike, and the message matched by its ciphertext); ' +
      'delivered/s counts messages that reached every member (the sender\'s own echo included) inside the step window.',
    'Rate limits (signups, events and messages per connection) are raised through the server environment for the run.',
  ];
  if (opts.body === 'mls') {
    notes.push(
      'MLS bodies: each conversation is an MLS group made through the SDK (devices, KeyPackages, Welcomes); before each step the ' +
        'generators encrypt its PrivateMessages and commits (fresh keys, one per --commit-every messages) ahead (prepareSeconds, not timed). ' +
        'A commit goes once the sends before it in its conversation are acknowledged, and the sends after it wait for its acknowledgement ' +
        '(their wait counts in their latency). The relay carries text bodies of the same size.',
    );
  }
  if (opts.nice !== undefined) {
    notes.push(`The server, relay and generators ran at nice ${opts.nice}, ahead of other work on the machine.`);
  }
  if (limit !== undefined && limit < opts.users + 200) {
    notes.push(`ulimit -n is ${limit}: the server needs one descriptor per connection (${opts.users} users) — raise it (ulimit -n ${opts.users * 2}).`);
    console.warn(`warning: ${notes[notes.length - 1]}`);
  }
  const progress = await createProgress();
  const started = new Date();
  const loadStart = loadAverage();
  console.log(
    `bench "${label}": ${opts.users} users, ${opts.activeFraction * 100} % active, ${opts.body === 'mls' ? `MLS bodies (a commit per ${opts.commitEvery} messages)` : 'plain bodies'}, ` +
      `${opts.sourceAddresses.length > 0 ? `from ${opts.sourceAddresses.length} loopback addresses, ` : ''}`+
      ` steps ${opts.rates.join(', ')} msg/s × ${opts.stepSeconds} s, ` +
      `p99 budget ${opts.budgetMs} ms, ${opts.generators} generators; machine: ${os.cpus().length} cores, load ${loadStart}, ulimit -n ${limit ?? '?'}`,
  );
  if (opts.url && opts.serverPid === undefined) console.log('note: --url without --server-pid: server RSS and CPU are not measured');

  const results: TargetResult[] = [];
  // --nice raises the scheduler autogroup too, which is this terminal's session: put it back afterwards.
  const sessionNice = autogroupNice();
  try {
    if (opts.parley) results.push(await runTarget('parley', opts.rates, progress));
    if (opts.relay) results.push(await runTarget('relay', opts.relayRates, progress));
  } finally {
    if (opts.nice !== undefined && sessionNice !== undefined) setAutogroupNice(sessionNice);
  }
  progress.stop();

  for (const r of results) printTable(r);
  for (const n of notes) console.log(`note: ${n}`);

  const parley = results.find((r) => r.target === 'parley');
  const relay = results.find((r) => r.target === 'relay');
  let comparison: Record<string, unknown> | undefined;
  if (parley && relay) {
    const common = parley.steps
      .filter((p) => p.withinBudget)
      .map((p) => ({ p, r: relay.steps.find((r) => r.targetRate === p.targetRate && r.withinBudget) }))
      .filter((x): x is { p: StepRow; r: StepRow } => x.r !== undefined)
      .pop();
    const relayTop = Math.max(...opts.relayRates);
    const relayCapped = relay.maxSustainedRate === relayTop && relay.steps.every((s) => s.withinBudget);
    comparison = {
      highestCommonSustainedRate: common?.p.targetRate ?? null,
      deliveredRatioAtThatRate: common ? round(common.p.deliveredRate / common.r.deliveredRate, 3) : null,
      parleyMaxSustainedRate: parley.maxSustainedRate,
      relayMaxSustainedRate: relay.maxSustainedRate,
      relayMaxIsLowerBound: relayCapped,
      maxSustainedRatio: relay.maxSustainedRate > 0 ? round(parley.maxSustainedRate / relay.maxSustainedRate, 3) : null,
      // Whatever the latency: the most each delivered in any step.
      parleyMaxDeliveredRate: maxDelivered(parley),
      relayMaxDeliveredRate: maxDelivered(relay),
      maxDeliveredRatio: maxDelivered(relay) > 0 ? round(maxDelivered(parley) / maxDelivered(relay), 3) : null,
      parleyPerConnectionKiB: parley.rss.perConnectionKiB,
      relayPerConnectionKiB: relay.rss.perConnectionKiB,
    };
    console.log(
      `\nParley / relay: at ${common ? `${common.p.targetRate} msg/s (highest step both sustain within ${opts.budgetMs} ms)` : 'no common sustained step'}: ` +
        `delivered ratio ${common ? round(common.p.deliveredRate / common.r.deliveredRate, 3) : 'n/a'}; ` +
        `max sustained: Parley ${parley.maxSustainedRate} msg/s, relay ${relayCapped ? '≥ ' : ''}${relay.maxSustainedRate} msg/s ` +
        `→ ratio ${relay.maxSustainedRate > 0 ? `${relayCapped ? '≤ ' : ''}${round(parley.maxSustainedRate / relay.maxSustainedRate, 3)}` : 'n/a'}; ` +
        `most delivered in any step (latency aside): Parley ${maxDelivered(parley)}/s, relay ${maxDelivered(relay)}/s ` +
        `→ ratio ${maxDelivered(relay) > 0 ? round(maxDelivered(parley) / maxDelivered(relay), 3) : 'n/a'}`,
    );
  }

  const out = path.join(BENCH_DIR, 'results', `bench-${label}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    `${JSON.stringify(
      {
        benchmark: 'load',
        label,
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        machine: {
          cores: os.cpus().length,
          cpu: os.cpus()[0]?.model ?? 'unknown',
          memoryGiB: round(os.totalmem() / 2 ** 30, 1),
          node: process.version,
          openFilesLimit: limit ?? null,
          loadAverageAtStart: loadStart,
          loadAverageAtEnd: loadAverage(),
        },
        options: { ...opts, dialect, url: opts.url ?? null, databaseUrl: opts.databaseUrl ? '(set)' : null, redisUrl: opts.redisUrl ? '(set)' : null },
        notes,
        results,
        comparison: comparison ?? null,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${path.relative(process.cwd(), out)}`);

  // A refused send is a broken run too: with MLS bodies it means the benchmark's groups and the server disagree.
  const broken = parley?.steps.some((s) => s.lost > 0 || s.duplicated > 0 || s.outOfOrder > 0 || s.failed > 0) ?? false;
  if (broken) {
    console.error('FAIL: Parley lost, duplicated, reordered or refused messages');
    process.exitCode = 1;
  } else if (results.some((r) => r.failure)) {
    process.exitCode = 2;
  } else if (short && (parley?.steps.length ?? 0) === 0) {
    process.exitCode = 2;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
