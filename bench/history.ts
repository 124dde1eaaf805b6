// History benchmark: a conversation with 100,000 messages, paged backwards through the SDK.
//   npm run bench:history                      (SQLite)
//   PARLEY_TEST_DATABASE_URL=postgres://… npm run bench:history
// Prints a table and writes bench/results/history-<dialect>.json.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { dialect } from '../test/support/env.js';
import { startTestServer } from '../test/support/server.js';
import { befriend, signedIn } from '../test/support/users.js';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '100000' }, pages: { type: 'string', default: '300' } },
});
const total = Number(values.messages);
const pages = Number(values.pages);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function main(): Promise<void> {
  const t = await startTestServer({ env: { LOG_LEVEL: 'warn', EVENTS_PER_CONNECTION_PER_10S: '100000' } });
  try {
    const alice = await signedIn(t, 'alice');
    const bob = await signedIn(t, 'bob');
    await befriend(alice, bob);
    const conversation = await alice.conversations.openDirect('bob');
    const db = t.server.deps.db;
    const users = await db.selectFrom('users').select(['id', 'username']).execute();
    const ids = users.map((u) => u.id);

    const seedStart = performance.now();
    const batch = 1000;
    for (let start = 0; start < total; start += batch) {
      const rows = Array.from({ length: Math.min(batch, total - start) }, (_, i) => {
        const seq = start + i + 1;
        return {
          id: crypto.randomUUID(),
          conversation_id: conversation.id,
          seq,
          sender_id: ids[seq % ids.length] ?? '',
          client_key: `seed-${seq}-${crypto.randomUUID().slice(0, 8)}`,
          content_type: 'text/plain',
          body: new TextEncoder().encode(`message number ${seq}`),
          created_at: Date.now(),
          edited_at: null,
          deleted_at: null,
        };
      });
      // SQLite caps bound parameters per statement: insert in chunks of 50 rows.
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 50) await trx.insertInto('messages').values(rows.slice(i, i + 50)).execute();
      });
    }
    await db.updateTable('conversations').set({ last_seq: total }).where('id', '=', conversation.id).execute();
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const latencies: number[] = [];
    let checked = 0;
    for (let i = 0; i < pages; i++) {
      const before = i === 0 ? undefined : 2 + Math.floor(Math.random() * (total - 1));
      const t0 = performance.now();
      const page = await alice.messages.history(conversation.id, { ...(before ? { before } : {}), limit: 100 });
      latencies.push(performance.now() - t0);
      const top = before ?? total + 1;
      const expected = Math.min(100, top - 1);
      if (page.length !== expected || page[page.length - 1]?.seq !== top - 1) throw new Error(`wrong page before ${top}`);
      checked++;
    }
    latencies.sort((a, b) => a - b);
    const result = {
      benchmark: 'history',
      dialect,
      messages: total,
      pages: checked,
      pageSize: 100,
      seedSeconds: Number(seedSeconds.toFixed(1)),
      latencyMs: {
        p50: Number(percentile(latencies, 50).toFixed(2)),
        p95: Number(percentile(latencies, 95).toFixed(2)),
        p99: Number(percentile(latencies, 99).toFixed(2)),
        max: Number((latencies[latencies.length - 1] ?? 0).toFixed(2)),
      },
      at: new Date().toISOString(),
    };
    console.table({ [`${dialect}, ${total} messages, ${checked} pages of 100`]: result.latencyMs });
    const out = path.join('bench', 'results', `history-${dialect}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${out}`);
    alice.close();
    bob.close();
  } finally {
    await t.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
