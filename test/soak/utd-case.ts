/**
 * One randomized multi-device run as a test (see test/integration/utd-random*.test.ts). One seed per test file: each
 * file runs in its own worker; `utd-random-two.test.ts` runs two seeds in one process.
 */
import { describe, expect, it } from 'vitest';
import { dialect } from '../support/env.js';
import { runUtd } from './run-utd.js';

const ACTIONS = Number(process.env.PARLEY_UTD_ACTIONS ?? 120);

export function describeUtdRun(fixedSeed: number): void {
  const seed = process.env.PARLEY_UTD_SEED ? Number(process.env.PARLEY_UTD_SEED) : fixedSeed;
  describe(`randomized multi-device run: no spurious "could not be decrypted" (${dialect})`, () => {
    it(`seed ${seed}, ${ACTIONS} random actions: every device agrees, no spurious decryption error`, async () => {
      console.log(`utd-random: seed ${seed} (replay: PARLEY_UTD_SEED=${seed})`);
      const run = await runUtd(seed, ACTIONS, { maxRestarts: 1 });
      console.log(`utd-random: seed ${seed}, ${run.messagesChecked} messages checked on ${run.devices} devices, required UTDs ${run.requiredUtd}, ` +
        `spurious ${run.spuriousUtd}, divergences ${run.divergences}, ${run.seconds.toFixed(1)} s; ${JSON.stringify(run.byKind)}`);
      expect(run.problems).toEqual([]);
      expect(run.spuriousUtd).toBe(0);
      expect(run.messagesChecked).toBeGreaterThan(ACTIONS);
    }, 240_000);
  });
}
