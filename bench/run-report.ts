// The load benchmark's report (bench/run.ts): a table per target and the Parley / relay comparison.
import { opts } from './run-options.js';
import type { TargetResult } from './run-target.js';
import type { StepRow } from './run-step.js';
import { round } from './stats.js';

export const maxDelivered = (r: TargetResult): number => Math.max(0, ...r.steps.map((s) => s.deliveredRate));

export function printTable(r: TargetResult): void {
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

/** Parley against the relay: the ratio at the highest step both sustain within budget, and at the most delivered. */
export function compare(parley: TargetResult, relay: TargetResult): Record<string, unknown> {
  const common = parley.steps
    .filter((p) => p.withinBudget)
    .map((p) => ({ p, r: relay.steps.find((r) => r.targetRate === p.targetRate && r.withinBudget) }))
    .filter((x): x is { p: StepRow; r: StepRow } => x.r !== undefined)
    .pop();
  const relayTop = Math.max(...opts.relayRates);
  const relayCapped = relay.maxSustainedRate === relayTop && relay.steps.every((s) => s.withinBudget);
  const comparison = {
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
  return comparison;
}
