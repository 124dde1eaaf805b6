/**
 * Where a batch of sends spends its time on SQLite, statement by statement: `storeBatch` (the send pipeline's
 * transaction) on a fresh database file with `--conversations` conversations (half direct pairs of contacts, half
 * groups of 4) and batches of `--batch` sends from random members, every query timed through Kysely's `log`.
 *   npx tsx bench/store-batch-statements.ts [--batches 2000] [--batch 13] [--conversations 40]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import { Kysely, type LogEvent } from 'kysely';
import { cachingStatements, migrateToLatest, type Db } from '../src/server/db/connect.js';
import type { Database } from '../src/server/db/schema.js';
import { DurableSqliteDialect, WalSync } from '../src/server/db/sqlite-durable.js';
import { storeBatch } from '../src/server/commands/messages/store-batch.js';
import type { PendingSend } from '../src/server/commands/messages/send-types.js';
import { timeOrderedId } from '../src/server/ids.js';

const { values } = parseArgs({ options: {
  batches: { type: 'string', default: '2000' }, batch: { type: 'string', default: '13' }, conversations: { type: 'string', default: '40' },
} });
const BATCHES = Number(values.batches);
const BATCH = Number(values.batch);
const CONVERSATIONS = Number(values.conversations);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-batch-'));
const file = path.join(dir, 'parley.db');
const sqlite = new SQLite(file);
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('synchronous = NORMAL');
sqlite.pragma('foreign_keys = ON');
const times = new Map<string, { n: number; ms: number }>();
let timing = false;
const log = (e: LogEvent) => {
  if (!timing) return;
  const key = e.query.sql.replace(/\s+/g, ' ').slice(0, 48);
  const t = times.get(key) ?? { n: 0, ms: 0 };
  t.n++;
  t.ms += e.queryDurationMillis;
  times.set(key, t);
};
const db: Db = new Kysely<Database>({ dialect: new DurableSqliteDialect({ database: cachingStatements(sqlite) }, sqlite, new WalSync(`${file}-wal`)), log });
await migrateToLatest(db);

const members: { conversationId: string; users: { id: string; name: string }[] }[] = [];
let u = 0;
const user = async () => {
  const id = `u${++u}`;
  await db.insertInto('users').values({ id, username: id, username_key: id, kdf_salt: 's', kdf_memory_kib: 1, kdf_iterations: 1,
    kdf_parallelism: 1, auth_hash: 'x', created_at: 0 }).execute();
  return { id, name: id };
};
for (let c = 0; c < CONVERSATIONS; c++) {
  const direct = c % 2 === 0;
  const users = await Promise.all(Array.from({ length: direct ? 2 : 4 }, user));
  const id = `c${c}`;
  await db.insertInto('conversations').values({ id, kind: direct ? 'direct' : 'group', name: null,
    direct_key: direct ? `${users[0]?.id}:${users[1]?.id}` : null, last_seq: 0, created_at: 0, last_activity_at: 0 }).execute();
  for (const m of users) {
    await db.insertInto('conversation_members').values({ conversation_id: id, user_id: m.id, role: 'member', joined_seq: 0, read_seq: 0,
      joined_at: 0 }).execute();
  }
  if (direct && users[0] && users[1]) {
    await db.insertInto('contacts').values([{ user_id: users[0].id, contact_id: users[1].id, created_at: 0 },
      { user_id: users[1].id, contact_id: users[0].id, created_at: 0 }]).execute();
  }
  members.push({ conversationId: id, users });
}

const body = new TextEncoder().encode('x'.repeat(160));
const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;
const send = (): PendingSend => {
  const c = pick(members);
  const sender = pick(c.users);
  return { row: { id: timeOrderedId(), conversation_id: c.conversationId, seq: 0, sender_id: sender.id, client_key: timeOrderedId(),
    content_type: 'text/plain', body, created_at: Date.now(), edited_at: null, deleted_at: null }, senderName: sender.name, mls: undefined,
  blobIds: [] };
};
for (let i = 0; i < 200; i++) await db.transaction().execute((trx) => storeBatch(trx, Array.from({ length: BATCH }, send), Date.now()));
timing = true;
const started = performance.now();
for (let i = 0; i < BATCHES; i++) await db.transaction().execute((trx) => storeBatch(trx, Array.from({ length: BATCH }, send), Date.now()));
const totalMs = performance.now() - started;
const rows = [...times].map(([sql, t]) => ({ sql, calls: t.n, 'µs per call': Math.round((t.ms * 1000) / t.n) }));
console.table(rows);
console.log(`${BATCHES} batches of ${BATCH}: ${((totalMs * 1000) / BATCHES).toFixed(0)} µs per batch (wall, fsync included), ` +
  `${((rows.reduce((s, r) => s + r['µs per call'] * r.calls, 0)) / BATCHES).toFixed(0)} µs in timed statements; load ${os.loadavg()[0]?.toFixed(1)}`);
await db.destroy();
fs.rmSync(dir, { recursive: true, force: true });
