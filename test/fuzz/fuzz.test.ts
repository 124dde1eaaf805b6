import { monitorEventLoopDelay } from 'node:perf_hooks';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../support/env.js';
import { Fixture } from './fixture.js';
import { HttpFuzzer, SocketFuzzer } from './harness.js';
import { httpCaseArb, ROUTES, type HttpCase } from './http-cases.js';
import { Ledger } from './oracle.js';
import { EVENT_NAMES, socketCaseArb, type SocketCase } from './socket-cases.js';

/**
 * Property-based fuzzing of every HTTP route and every socket event (issue 7, item 1).
 *
 *   npm test                    a few thousand cases (PARLEY_FUZZ_CASES, default 3000)
 *   npm run fuzz                100,000 cases
 *   PARLEY_FUZZ_SEED=…          the seed (fixed by default, printed on failure with fast-check's path)
 *   PARLEY_FUZZ_PATH=…          replay one failing batch (the path printed on failure)
 *   PARLEY_FUZZ_SHRINK=1        shrink a failing batch to its smallest failing subset (slower)
 *
 * Cases go in batches (one fast-check run = one batch), so refused cases can run concurrently between two
 * fingerprints of the database. See harness.ts for the invariants.
 */
const CASES = Number(process.env.PARLEY_FUZZ_CASES ?? 3_000);
const SEED = Number(process.env.PARLEY_FUZZ_SEED ?? 20_261_124);
const SHRINK = process.env.PARLEY_FUZZ_SHRINK === '1';
const PATH = process.env.PARLEY_FUZZ_PATH;
const BATCH = 24;
const HTTP_SHARE = 0.45;
const LONG = CASES > 10_000;

const runsFor = (cases: number) => Math.max(1, Math.ceil(cases / BATCH));
const TIMEOUT_MS = LONG ? 60 * 60_000 : 120_000;

describe(`fuzzing every route and event (${dialect})`, () => {
  let fx: Fixture;
  const ledger = new Ledger();
  const started = Date.now();
  const unexpected: unknown[] = [];
  const onUnexpected = (err: unknown) => unexpected.push(err);

  // How long this process's event loop (the server's and the clients') was blocked: a stall shows here.
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });

  beforeAll(async () => {
    loopDelay.enable();
    process.on('unhandledRejection', onUnexpected);
    process.on('uncaughtException', onUnexpected);
    fx = await Fixture.start();
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnexpected);
    process.off('uncaughtException', onUnexpected);
    for (const err of unexpected) ledger.violation('process', 'unhandled rejection or exception', String(err));
    loopDelay.disable();
    const ms = (ns: number) => (ns / 1e6).toFixed(0);
    console.log(
      `${ledger.summary(`${dialect}, seed ${SEED}`, Date.now() - started)}\n` +
        `  event-loop delay: p99 ${ms(loopDelay.percentile(99))} ms, max ${ms(loopDelay.max)} ms`,
    );
    await fx?.close();
  });

  /**
   * Runs `numRuns` batches with the fixed seed. On failure, one compact error: the seed and fast-check's path to
   * replay it (PARLEY_FUZZ_SEED, PARLEY_FUZZ_PATH), and the violations found (not the whole batch, which may hold
   * 100 KB strings).
   */
  async function fuzz<T>(arb: fc.Arbitrary<T>, runs: number, runBatch: (batch: T) => Promise<void>): Promise<void> {
    let batchStart = ledger.violations.length;
    const details = await fc.check(
      fc.asyncProperty(arb, async (batch) => {
        batchStart = ledger.violations.length;
        await runBatch(batch);
        return ledger.violations.length === batchStart;
      }),
      { numRuns: runs, seed: SEED, endOnFailure: !SHRINK, ...(PATH ? { path: PATH } : {}) },
    );
    if (details.failed) {
      const violations = ledger.violations.slice(batchStart, batchStart + 10).map((v) => `  - ${v.target}: ${v.problem} — ${v.detail.slice(0, 600)}`);
      const thrown = details.errorInstance instanceof Error ? `\n  thrown: ${details.errorInstance.stack ?? details.errorInstance.message}` : '';
      throw new Error(
        `fuzzing failed after ${details.numRuns} batch(es); replay with PARLEY_FUZZ_SEED=${details.seed} ` +
          `PARLEY_FUZZ_PATH=${details.counterexamplePath ?? ''}\n${violations.join('\n')}${thrown}`,
      );
    }
  }

  it(
    'HTTP: no 5xx, documented refusals only, no state change from a refused request',
    async () => {
      const fuzzer = await HttpFuzzer.create(fx, ledger, { loginCheckEvery: 10 });
      const batch = fc.array(httpCaseArb(() => fuzzer.current), { minLength: BATCH, maxLength: BATCH });
      await fuzz(batch, runsFor(CASES * HTTP_SHARE), (cases: HttpCase[]) => fuzzer.runBatch(cases));
    },
    TIMEOUT_MS,
  );

  it(
    'socket.io: every event answers a documented ack, bad calls are refused or dropped, nothing changes',
    async () => {
      const fuzzer = await SocketFuzzer.create(fx, ledger, { worldCases: LONG ? 3_000 : 1_000, apiCheckEvery: 10 });
      const batch = fc.array(socketCaseArb(() => fuzzer.current), { minLength: BATCH, maxLength: BATCH });
      try {
        await fuzz(batch, runsFor(CASES * (1 - HTTP_SHARE)), (cases: SocketCase[]) => fuzzer.runBatch(cases));
      } finally {
        fuzzer.close();
      }
    },
    TIMEOUT_MS,
  );

  it('exercised every route and every event, with no violation and no error-level log line', () => {
    const targets = new Set(ledger.counts.keys());
    expect(ROUTES.map((r) => r.name).filter((n) => !targets.has(n))).toEqual([]);
    expect(EVENT_NAMES.map((e) => `socket ${e}`).filter((n) => !targets.has(n))).toEqual([]);
    expect(fx.errorLogLines()).toEqual([]);
    expect(unexpected).toEqual([]);
    expect(ledger.violations).toEqual([]);
  });
});
