/**
 * The short randomized multi-device run (the long one: `npm run soak:utd -- --actions N`): alice, bob and carol, 1–3
 * devices each (new ones mid-conversation, one restored from the vault at the end, some offline through several
 * epochs), random sends, edits, deletes, member changes, reloads and a server restart. Every device's view of every
 * conversation must equal the ground truth and the other devices', and no message may show a decryption error unless
 * the cryptography requires it. Replay a failure with the seed it prints: PARLEY_UTD_SEED=… npx vitest run <this file>.
 *
 * In `npm test` (and so in CI) it runs a fixed seed, so a red run is a regression and replays the same way; random
 * seeds belong to `npm run soak:utd` (or set PARLEY_UTD_SEED). This seed once found a vault copy lost with a refused
 * batch (a spurious UTD on a later device); `utd-random-span.test.ts` replays the other one found that day
 * (docs/PERFORMANCE.md, "Randomized runs: seeds that failed").
 */
import { describeUtdRun } from '../soak/utd-case.js';

describeUtdRun(815289182);
