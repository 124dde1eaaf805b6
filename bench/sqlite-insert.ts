/**
 * The cost of storing a message row on SQLite with the expiry index on every row (the first form) or only on rows that
 * expire (2026-12-09-expiry-index-partial), A/B in one process: rounds alternate, each on a fresh database file,
 * inserting batches of 50 rows (the send pipeline's batch) through the repository, none of them expiring.
 *   npx tsx bench/sqlite-insert.ts [--rows 20000] [--rounds 3] [--json out.json]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { connectDatabase, migrateToLatest } from '../src/server/db/connect.js';
import { insertMessages } from '../src/server/db/repositories/messages.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '3' }, json: { type: 'string' } } });
const ROWS = Number(values.rows);
const ROUNDS = Number(values.rounds);
const BATCH = 50;
type Variant = 'full index' | 'partial index';

async function round(variant: Variant): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-insert-'));
  const db = connectDatabase({ kind: 'sqlite', file: path.join(dir, 'parley.db') });
  try {
    await migrateToLatest(db);
    if (variant === 'full index') {
      await sql`DROP INDEX messages_expiring`.execute(db);
      await sql`CREATE INDEX messages_expires_at ON messages (expires_at)`.execute(db);
    }
    await db.insertInto('users').values({ id: 'u1', username: 'alice', username_key: 'alice', kdf_salt: 's', kdf_memory_kib: 1,
      kdf_iterations: 1, kdf_parallelism: 1, auth_hash: 'x', created_at: 0 }).execute();
    await db.insertInto('conversations').values({ id: 'c1', kind: 'group', name: null, direct_key: null, last_seq: 0, created_at: 0,
      last_activity_at: 0 }).execute();
    const body = new Uint8Array(200).fill(7);
    const started = process.hrtime.bigint();
    for (let seq = 1; seq <= ROWS; seq += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, ROWS - seq + 1) }, (_, i) => ({
        id: `m${seq + i}`, conversation_id: 'c1', seq: seq + i, sender_id: 'u1', client_key: `k${seq + i}`,
        content_type: 'application/mls-private', body, created_at: seq + i, edited_at: null, deleted_at: null, expires_at: null,
      }));
      await db.transaction().execute((trx) => insertMessages(trx, rows));
    }
    return Number(process.hrtime.bigint() - started) / 1000 / ROWS;
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const results: Record<Variant, number[]> = { 'full index': [], 'partial index': [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const variant of ['full index', 'partial index'] as const) {
    const us = await round(variant);
    results[variant].push(us);
    console.log(`round ${r + 1}, ${variant}: ${us.toFixed(1)} µs per row`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const summary = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { medianMicros: median(v), runs: v }]));
console.log(`median: full index ${median(results['full index']).toFixed(1)} µs, partial index ${median(results['partial index']).toFixed(1)} µs per row ` +
  `(${ROWS} rows in batches of ${BATCH}, ${ROUNDS} rounds; load ${os.loadavg()[0]?.toFixed(1)})`);
if (values.json) fs.writeFileSync(values.json, JSON.stringify({ date: new Date().toISOString(), rows: ROWS, rounds: ROUNDS, results: summary }, null, 2));
