// One step of the load benchmark's ramp (bench/run.ts): the generators send at a rate for a window, the server and the
// machine are sampled, and the step's figures and verdict are gathered.
import os from 'node:os';
import type { Generator, TargetProcess } from './processes.js';
import { opts } from './run-options.js';
import type { StepReport } from './protocol.js';
import {
  cpuPercent,
  cpuPressure,
  loadAverage,
  round,
  sampleMachine,
  sampleProcesses,
  summarize,
  type LatencySummary,
  type MachineSample,
  type ProcessSample,
} from './stats.js';

export const mib = (kib: number) => round(kib / 1024, 1);

export interface StepRow {
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

export async function runStep(
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
