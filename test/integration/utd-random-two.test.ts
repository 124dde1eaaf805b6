/**
 * Two randomized multi-device runs one after the other in one process: each has its own server and database, but
 * what outlives a server (a shared Redis's rate-limit counters, module state) is still there for the second, which
 * must pass as it does alone. A run once failed only after another ("the closing message was not sent"): alice, bob
 * and carol had spent the per-user message budget, which `SOAK_LIMITS` (test/soak/utd-world.ts) now raises for runs,
 * as they are no person's pace.
 */
import { describe, expect, it } from 'vitest';
import { dialect } from '../support/env.js';
import { runUtd } from '../soak/run-utd.js';

const SEEDS = [815289182, 451576793];
const ACTIONS = 80;

describe(`two randomized multi-device runs in one process (${dialect})`, () => {
  it(`seeds ${SEEDS.join(' then ')}, ${ACTIONS} actions each: both agree everywhere, no spurious decryption error`, async () => {
    for (const seed of SEEDS) {
      const run = await runUtd(seed, ACTIONS, { maxRestarts: 1 });
      console.log(`utd-random-two: seed ${seed}, ${run.messagesChecked} messages on ${run.devices} devices, spurious ${run.spuriousUtd}, ` +
        `divergences ${run.divergences}, ${run.seconds.toFixed(1)} s`);
      expect(run.problems).toEqual([]);
      expect(run.spuriousUtd).toBe(0);
      expect(run.messagesChecked).toBeGreaterThan(ACTIONS / 2);
    }
  }, 300_000);
});
