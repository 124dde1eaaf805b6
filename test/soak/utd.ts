// `npm run soak:utd -- --actions N [--seed S] [--max-restarts R] [--process]`: a long randomized multi-device run
// (see run-utd.ts). Prints the count of spurious "could not be decrypted" (must be 0) and the figures, writes
// bench/results/soak-utd.json, and exits 1 on any spurious UTD or divergence. The seed also comes from PARLEY_UTD_SEED. `--process`: the server in its own
// process, restarted by SIGKILL (default: in this process, closed and started again: cheaper on a loaded machine).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dialect } from '../support/env.js';
import { runUtd, seedFromEnv } from './run-utd.js';

const { values } = parseArgs({
  options: { actions: { type: 'string', default: '2000' }, seed: { type: 'string' }, 'max-restarts': { type: 'string' }, process: { type: 'boolean', default: false } },
});
// Each server restart costs seconds (a process start, every client reconnecting): cap them on a loaded machine.
const maxRestarts = values['max-restarts'] !== undefined ? Number(values['max-restarts']) : Infinity;
const actions = Number(values.actions);
const seed = values.seed !== undefined ? Number(values.seed) : seedFromEnv();
console.log(`soak:utd — ${actions} actions, seed ${seed} (replay: PARLEY_UTD_SEED=${seed}), ${dialect}`);

const run = await runUtd(seed, actions, { log: (line) => console.log(line), maxRestarts, ownProcess: values.process });
const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/results/soak-utd.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify({ dialect, date: new Date().toISOString(), ...run }, null, 2)}\n`);

console.log(`actions by kind: ${Object.entries(run.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}`);
console.log(`devices at the end: ${run.devices}; messages checked (over all devices): ${run.messagesChecked}`);
console.log(`required UTDs (before the user's devices joined): ${run.requiredUtd}`);
console.log(`failed requests (outcome tracked as unknown): ${run.failedRequests}`);
console.log(`SPURIOUS UTDs: ${run.spuriousUtd}; divergences: ${run.divergences}; ${run.seconds.toFixed(1)} s`);
for (const p of run.problems) console.log(`  ${p}`);
console.log(`wrote ${path.relative(process.cwd(), out)}`);
process.exit(run.spuriousUtd > 0 || run.divergences > 0 ? 1 : 0);
