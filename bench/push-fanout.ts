/**
 * Web Push fan-out: one new message in a conversation whose N members each have a push subscription. Measures the
 * time from the notifier's flush to the last push answered by a stand-in push service on loopback (which answers 201
 * and does not decrypt), i.e. the server's cost: one query for the targets, then per subscription web-push's RFC 8291
 * encryption (an ECDH, HKDF, AES-128-GCM) and VAPID signature (ES256), and one HTTP POST, 16 in flight.
 * `npm run bench:push` (SQLite, a fresh database in a temporary directory). Writes bench/results/push-fanout.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pino from 'pino';
import { connectDatabase, migrateToLatest } from '../src/server/db/connect.js';
import { PushNotifier } from '../src/server/push/push-notifier.js';
import { loadVapidKeys } from '../src/server/push/vapid.js';

const sizes = process.argv.includes('--short') ? [10, 100] : [10, 100, 1000];
const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-push-bench-'));
const db = connectDatabase({ kind: 'sqlite', file: path.join(dir, 'parley.sqlite') });
await migrateToLatest(db);

let received = 0;
const service = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received += 1;
    res.writeHead(201).end();
  });
});
service.keepAliveTimeout = 10_000;
await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;

const now = Date.now();
const results: { subscriptions: number; ms: number; perPushMs: number; cpuPerPushMs: number; pushesPerSecond: number }[] = [];
const notifier = new PushNotifier(db, await loadVapidKeys(db), pino({ level: 'silent' }), { coalesceMs: 60_000, subject: 'mailto:bench@parley.invalid' });

for (const n of sizes) {
  const conversationId = crypto.randomUUID();
  await db.insertInto('conversations').values({ id: conversationId, kind: 'group', name: null, direct_key: null, last_seq: 1, created_at: now, last_activity_at: now }).execute();
  for (let i = 0; i < n; i += 1) {
    const userId = crypto.randomUUID();
    const sessionId = crypto.randomUUID();
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.generateKeys();
    await db.insertInto('users').values({
      id: userId, username: `u${n}-${i}`, username_key: `u${n}-${i}`, kdf_salt: 'x', kdf_memory_kib: 1, kdf_iterations: 1, kdf_parallelism: 1, auth_hash: 'x', created_at: now,
    }).execute();
    await db.insertInto('sessions').values({ id: sessionId, user_id: userId, token_hash: crypto.randomBytes(32).toString('hex'), created_at: now, last_seen_at: now, expires_at: now + 3_600_000, user_agent: null }).execute();
    await db.insertInto('conversation_members').values({ conversation_id: conversationId, user_id: userId, role: 'member', joined_seq: 0, read_seq: 0, joined_at: now }).execute();
    await db.insertInto('push_subscriptions').values({
      id: crypto.randomUUID(), user_id: userId, session_id: sessionId, endpoint: `${base}/push/${userId}`,
      p256dh: ecdh.getPublicKey().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url'), created_at: now,
    }).execute();
  }
  const before = received;
  const cpu = process.cpuUsage();
  const start = performance.now();
  notifier.observe({
    type: 'message.created',
    message: { id: crypto.randomUUID(), conversationId, seq: 1, sender: 'nobody', contentType: 'application/mls-private', body: new Uint8Array(), sentAt: new Date().toISOString(), editedAt: null, deleted: false },
  });
  await notifier.drain();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  // The process's CPU (server side and the stand-in service together: an upper bound of the server's share).
  const cpuMs = (used.user + used.system) / 1000;
  if (received - before !== n) throw new Error(`expected ${n} pushes, the service got ${received - before}`);
  const row = {
    subscriptions: n,
    ms: Math.round(ms),
    perPushMs: Number((ms / n).toFixed(2)),
    cpuPerPushMs: Number((cpuMs / n).toFixed(2)),
    pushesPerSecond: Math.round((n / ms) * 1000),
  };
  results.push(row);
  console.log(
    `  ${String(n).padStart(5)} subscriptions: ${row.ms} ms wall (${row.perPushMs} ms a push, ${row.pushesPerSecond} pushes/s), ` +
      `${row.cpuPerPushMs} ms CPU a push`,
  );
}

await notifier.close();
await db.destroy();
service.close();
rmSync(dir, { recursive: true, force: true });
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/push-fanout.json', `${JSON.stringify({ date: new Date().toISOString(), cpus: os.cpus().length, results }, null, 2)}\n`);
console.log('wrote bench/results/push-fanout.json');
