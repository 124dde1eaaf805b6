// One target of the load benchmark (bench/run.ts): start it (Parley or the bare relay), fork the generators, sign up,
// connect and pair the users, warm up, ramp the rates step by step, and count what was lost at the end.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { printHeapSummary, summarizeHeapProfile, type HeapSummary } from './heap-summary.js';
import { printProfileSummary, summarizeProfile, type ProfileSummary } from './profile-summary.js';
import { Generator, HEAP_SAMPLING_INTERVAL_BYTES, startParley, startRelay, type TargetProcess } from './processes.js';
import type { Progress } from './progress.js';
import type { FinalStepReport, GeneratorReport, TargetKind } from './protocol.js';
import { dialect, label, opts, runId, WARMUP_RATE } from './run-options.js';
import { mib, runStep, type StepRow } from './run-step.js';
import { processTree, renice, round, sampleProcesses } from './stats.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The size of one PrivateMessage of --message-bytes of text (from Parley's run): the relay's body size with MLS. */
let mlsBodyBytes: number | undefined;

export interface TargetResult {
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
  /** With --heap-prof: what the server allocated over the ramp's steps, by function (garbage included). */
  heapProfile?: HeapSummary;
  /** With --gc-stats or --heap-prof: the server's collections over the ramp's steps, and its heap spaces. */
  gcStats?: unknown;
  failure?: string;
}

export async function runTarget(kind: TargetKind, rates: number[], progress: Progress): Promise<TargetResult> {
  const profileDir = path.join(os.tmpdir(), `parley-bench-prof-${label}-${kind}`);
  const nodeFlags = [...opts.nodeFlags, ...(opts.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])];
  if (opts.cpuProf) fs.rmSync(profileDir, { recursive: true, force: true });
  const heapDir = path.join(os.tmpdir(), `parley-bench-heap-${label}-${kind}`);
  const heapProf = opts.gcStats && kind === 'parley' && !opts.url;
  if (heapProf) fs.rmSync(heapDir, { recursive: true, force: true });
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
      insecureServerHash: opts.insecureServerHash,
      serverDir: opts.serverDir,
      uncapped: opts.uncapped,
      heapProfDir: heapProf ? heapDir : undefined,
      heapProfInterval: opts.heapProf ? HEAP_SAMPLING_INTERVAL_BYTES : 0,
      heapSnapshot: opts.heapSnapshot,
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
    // The heap sampler (bench/heap-sampler.mjs) runs over the ramp's steps only: SIGUSR2 starts and stops it.
    if (heapProf && server.pid) process.kill(server.pid, 'SIGUSR2');
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
    if (heapProf && server.pid) {
      process.kill(server.pid, 'SIGUSR2');
      // The sampler writes its gc file last, once the heap profile is on disk; a loaded server may take a moment.
      const written = () => fs.existsSync(heapDir) && fs.readdirSync(heapDir).some((name) => name.startsWith('gc-'));
      for (let i = 0; i < 100 && !written(); i++) await sleep(100);
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

  if (heapProf && fs.existsSync(heapDir)) {
    for (const f of fs.readdirSync(heapDir).filter((name) => name.startsWith('gc-'))) {
      result.gcStats = JSON.parse(fs.readFileSync(path.join(heapDir, f), 'utf8')) as unknown;
      console.log(`\ngc over the steps: ${JSON.stringify(result.gcStats, null, 1)}`);
    }
    for (const f of fs.readdirSync(heapDir).filter((name) => name.endsWith('.heapprofile'))) {
      result.heapProfile = summarizeHeapProfile(path.join(heapDir, f), { top: 40 });
      printHeapSummary(result.heapProfile);
    }
    console.log(`heap profiles kept in ${heapDir}`);
  }
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
