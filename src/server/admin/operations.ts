import { sql } from 'kysely';
import { deleteAccount } from '../commands/delete-account.js';
import type { Db } from '../db/connect.js';
import { findUserByUsername, type UserRow } from '../db/repositories/users.js';
import type { EventPublisher } from '../events/domain-events.js';
import { timeOrderedId } from '../ids.js';

/**
 * What the operator's tool (`npm run admin`, `parley-admin`) does, straight on the database with the server's
 * configuration. It reads and changes accounts, never message contents: it has none to show (bodies are ciphertext,
 * and no function here selects them; sizes are summed by the database).
 */

export class AdminError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

/** Signals older than this are swept (servers poll the last minute or two). */
const SIGNAL_KEEP_MS = 24 * 3_600_000;

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

/** Bytes of a blob column, in the dialect's own words (SQLite `length`, PostgreSQL `octet_length`). */
const bytes = (kind: 'sqlite' | 'postgres', column: string) =>
  kind === 'postgres' ? sql<number>`coalesce(sum(octet_length(${sql.ref(column)})), 0)` : sql<number>`coalesce(sum(length(${sql.ref(column)})), 0)`;

async function requireUser(db: Db, username: string): Promise<UserRow> {
  const user = await findUserByUsername(db, username);
  if (!user || user.deleted_at) throw new AdminError(`No account is called ${username}.`, 3);
  return user;
}

async function signal(db: Db, userId: string, reason: 'suspended' | 'deleted', now: number): Promise<void> {
  await db.insertInto('account_signals').values({ id: timeOrderedId(), user_id: userId, reason, created_at: now }).execute();
  await db.deleteFrom('account_signals').where('created_at', '<', now - SIGNAL_KEEP_MS).execute();
}

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

/** Suspends an account: log-in refused, every session ended, open sockets disconnected by the running servers. */
export async function suspendUser(db: Db, username: string, now = Date.now()): Promise<{ sessionsEnded: number }> {
  const user = await requireUser(db, username);
  if (user.suspended_at) throw new AdminError(`${user.username} is already suspended.`, 4);
  return db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ suspended_at: now }).where('id', '=', user.id).execute();
    const ended = await trx.deleteFrom('sessions').where('user_id', '=', user.id).returning('id').execute();
    await signal(trx, user.id, 'suspended', now);
    return { sessionsEnded: ended.length };
  });
}

export async function unsuspendUser(db: Db, username: string): Promise<void> {
  const user = await requireUser(db, username);
  if (!user.suspended_at) throw new AdminError(`${user.username} is not suspended.`, 4);
  await db.updateTable('users').set({ suspended_at: null }).where('id', '=', user.id).execute();
}

/** The same deletion as the server's (commands/delete-account.ts); the running servers disconnect the sockets. */
export async function deleteUser(db: Db, username: string): Promise<{ sessionsEnded: number; groupsLeft: number }> {
  const user = await requireUser(db, username);
  const noSockets: EventPublisher = { publish: () => undefined };
  const result = await deleteAccount(db, noSockets, user.id);
  return { sessionsEnded: result.sessionIds.length, groupsLeft: result.groupsLeft.length };
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
