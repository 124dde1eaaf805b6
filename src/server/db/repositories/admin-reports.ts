import { sql } from 'kysely';
import type { Db } from '../connect.js';
import { bytes } from '../sql-fragments.js';

/** The operator's reports (npm run admin): counts and sizes, never message contents (bodies are summed by the database). */

export interface UserSummary {
  username: string;
  createdAt: string;
  lastSeenAt: string | null;
  devices: number;
  storageBytes: number;
  status: 'active' | 'suspended' | 'deleted';
}

export interface ServerStats {
  users: { active: number; suspended: number; deleted: number };
  sessions: number;
  devices: number;
  conversations: { direct: number; group: number };
  messages: { total: number; last24h: number; storedBytes: number };
  vaultBytes: number;
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());
const num = (v: unknown) => Number(v ?? 0);

export async function listUsers(db: Db, kind: 'sqlite' | 'postgres'): Promise<UserSummary[]> {
  const users = await db.selectFrom('users').select(['id', 'username', 'created_at', 'suspended_at', 'deleted_at']).orderBy('username_key').execute();
  const lastSeen = await db.selectFrom('sessions').select(['user_id', sql<number>`max(last_seen_at)`.as('at')]).groupBy('user_id').execute();
  const devices = await db
    .selectFrom('devices')
    .select(['user_id', sql<number>`count(*)`.as('n')])
    .where('revoked_at', 'is', null)
    .groupBy('user_id')
    .execute();
  const sent = await db.selectFrom('messages').select(['sender_id as user_id', bytes(kind, 'body').as('b')]).groupBy('sender_id').execute();
  const vault = await db.selectFrom('vault_records').select(['user_id', bytes(kind, 'body').as('b')]).groupBy('user_id').execute();
  const packages = await db.selectFrom('key_packages').select(['user_id', bytes(kind, 'body').as('b')]).groupBy('user_id').execute();
  const seen = new Map(lastSeen.map((r) => [r.user_id, num(r.at)]));
  const deviceCount = new Map(devices.map((r) => [r.user_id, num(r.n)]));
  const storage = [sent, vault, packages].map((rows) => new Map(rows.map((r) => [r.user_id, num(r.b)])));
  return users.map((u) => ({
    username: u.username,
    createdAt: iso(u.created_at) ?? '',
    lastSeenAt: iso(seen.get(u.id)),
    devices: deviceCount.get(u.id) ?? 0,
    storageBytes: storage.reduce((sum, m) => sum + (m.get(u.id) ?? 0), 0),
    status: u.deleted_at ? 'deleted' : u.suspended_at ? 'suspended' : 'active',
  }));
}

export async function serverStats(db: Db, kind: 'sqlite' | 'postgres', now = Date.now()): Promise<ServerStats> {
  const count = async (q: Promise<{ n: unknown } | undefined>) => num((await q)?.n);
  const n = sql<number>`count(*)`.as('n');
  const [active, suspended, deleted, sessions, devices, direct, group, total, last24h] = await Promise.all([
    count(db.selectFrom('users').select(n).where('deleted_at', 'is', null).where('suspended_at', 'is', null).executeTakeFirst()),
    count(db.selectFrom('users').select(n).where('deleted_at', 'is', null).where('suspended_at', 'is not', null).executeTakeFirst()),
    count(db.selectFrom('users').select(n).where('deleted_at', 'is not', null).executeTakeFirst()),
    count(db.selectFrom('sessions').select(n).executeTakeFirst()),
    count(db.selectFrom('devices').select(n).where('revoked_at', 'is', null).executeTakeFirst()),
    count(db.selectFrom('conversations').select(n).where('kind', '=', 'direct').executeTakeFirst()),
    count(db.selectFrom('conversations').select(n).where('kind', '=', 'group').executeTakeFirst()),
    count(db.selectFrom('messages').select(n).executeTakeFirst()),
    count(db.selectFrom('messages').select(n).where('created_at', '>=', now - 86_400_000).executeTakeFirst()),
  ]);
  const storedBytes = num((await db.selectFrom('messages').select(bytes(kind, 'body').as('b')).executeTakeFirst())?.b);
  const vaultBytes = num((await db.selectFrom('vault_records').select(bytes(kind, 'body').as('b')).executeTakeFirst())?.b);
  return {
    users: { active, suspended, deleted },
    sessions,
    devices,
    conversations: { direct, group },
    messages: { total, last24h, storedBytes },
    vaultBytes,
  };
}
