// End-to-end encryption through the SDK against a real server (in this process, fresh SQLite):
//   npx tsx bench/e2ee.ts [--runs 10]
// For each run, two new users: device set-up at connect (identity, device, KeyPackages), then the first message of
// a new direct conversation (group creation, the add commit with its Welcome, encryption) until the other side
// reads it, then 20 more messages one at a time. Prints a table and writes bench/results/e2ee.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Message, ParleyClient } from '../src/sdk/index.js';
import { startTestServer } from '../test/support/server.js';
import { befriend } from '../test/support/users.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const receiver = (client: ParleyClient) => {
  const waiting = new Map<string, () => void>();
  const seen = new Set<string>();
  client.on('message', (m: Message) => {
    seen.add(m.text);
    waiting.get(m.text)?.();
  });
  return (text: string) => (seen.has(text) ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(text, resolve)));
};

const t = await startTestServer({ env: { LOG_LEVEL: 'warn', MESSAGES_PER_CONNECTION_PER_10S: '100000', EVENTS_PER_CONNECTION_PER_10S: '100000' } });
const setup: number[] = [];
const first: number[] = [];
const next: number[] = [];
for (let run = 0; run < runs; run++) {
  const [alice, bob] = [t.client(), t.client()];
  await Promise.all([alice.signup(`alice${run}`, `alice-${run}-violet-harbor-93`), bob.signup(`bob${run}`, `bob-${run}-quartz-meadow-58`)]);
  const started = performance.now();
  await alice.connect();
  setup.push(performance.now() - started);
  await bob.connect();
  await befriend(alice, bob);
  const heard = receiver(bob);
  const t0 = performance.now();
  const { id } = await alice.conversations.openDirect(`bob${run}`);
  await alice.messages.send(id, 'first');
  await heard('first');
  first.push(performance.now() - t0);
  for (let i = 0; i < 20; i++) {
    const t1 = performance.now();
    await alice.messages.send(id, `m${i}`);
    await heard(`m${i}`);
    next.push(performance.now() - t1);
  }
  alice.close();
  bob.close();
}
await t.close();

const row = (name: string, xs: number[]) => ({ name, p50: quantile(xs, 0.5), p95: quantile(xs, 0.95), max: Math.max(...xs) });
const rows = [
  row('device set-up at connect (identity, device, 9 KeyPackages)', setup),
  row('1:1 set-up + first message, send → read by the other side', first),
  row('next messages, send → read', next),
];
console.log(`E2EE through the SDK, ${runs} runs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.table(rows.map((r) => ({ what: r.name, 'p50 ms': r.p50.toFixed(1), 'p95 ms': r.p95.toFixed(1), 'max ms': r.max.toFixed(1) })));
const out = path.join(import.meta.dirname, 'results', 'e2ee.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), runs, loadavg: os.loadavg(), rows }, null, 2));
console.log(`wrote ${path.relative(process.cwd(), out)}`);
