import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Socket } from 'socket.io-client';
import { createSession } from '../../src/server/commands/create-session.js';
import { startTestServer, TEST_KDF, type TestServer } from '../support/server.js';
import { emitWithAck, HttpClient, openSocket, sessionTokenOf } from './wire.js';

/**
 * The fuzzer's server and the people in it. One in-process test server (its logs captured), raw HTTP and socket
 * clients, accounts created over the wire, and a database fingerprint that shows whether anything changed.
 */

const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');

export interface Account {
  username: string;
  userId: string;
  authKey: string;
  salt: string;
  token: string;
  sessionId: string;
}

export interface Connected extends Account {
  socket: Socket;
}

/** Server limits the fuzzer would otherwise trip over (it sends far more than any person). */
const FUZZ_ENV: Record<string, string> = {
  LOG_LEVEL: 'info',
  SIGNUPS_PER_ADDRESS_PER_HOUR: '100000000',
  LOGIN_FAILURES_PER_ACCOUNT: '100000000',
  LOGIN_FAILURES_PER_ADDRESS: '100000000',
  MESSAGES_PER_CONNECTION_PER_10S: '100000000',
  EVENTS_PER_CONNECTION_PER_10S: '100000000',
  // The fuzzer floods from one account: the per-user budgets and the output cap have their own tests (abuse-budgets).
  MESSAGES_PER_USER_PER_10S: '100000000',
  EVENTS_PER_USER_PER_10S: '100000000',
  SOCKETS_PER_SESSION: '100000',
  SOCKETS_PER_USER: '100000',
  SOCKET_OUTPUT_MAX_KIB: '1048576',
};

let nameCounter = 0;
/** A fresh, valid user name: a prefix, the process id and a counter (unique within the run). */
export function freshName(prefix: string): string {
  nameCounter += 1;
  return `${prefix}-${process.pid.toString(36)}-${nameCounter.toString(36)}`.slice(0, 32);
}

export class Fixture {
  readonly http: HttpClient;
  readonly origin: string;
  private constructor(readonly t: TestServer) {
    this.http = new HttpClient(t.url);
    this.origin = new URL(t.url).origin;
  }

  static async start(): Promise<Fixture> {
    return new Fixture(await startTestServer({ env: FUZZ_ENV }));
  }

  async close(): Promise<void> {
    this.http.close();
    await this.t.close();
  }

  /** Signs up a new account over raw HTTP. */
  async signUp(prefix: string): Promise<Account> {
    const username = freshName(prefix);
    const authKey = b64(32);
    const salt = b64(16);
    const res = await this.http.json('POST', '/api/auth/signup', { username, salt, kdf: TEST_KDF, authKey });
    const token = sessionTokenOf(res);
    if (res.status !== 201 || !token) throw new Error(`fixture sign-up failed: ${res.status} ${res.text}`);
    const me = await this.me(token);
    if (!me) throw new Error('fixture: me() failed right after sign-up');
    return { username, userId: me.userId, authKey, salt, token, sessionId: me.sessionId };
  }

  /** Logs in again (a new session); undefined if refused. */
  async logIn(username: string, authKey: string): Promise<{ token: string; sessionId: string } | undefined> {
    const res = await this.http.json('POST', '/api/auth/login', { username, authKey });
    const token = sessionTokenOf(res);
    if (res.status !== 200 || !token) return undefined;
    const me = await this.me(token);
    return me ? { token, sessionId: me.sessionId } : undefined;
  }

  /**
   * A new session for a user without a log-in: the server's own session command, straight on its database. Log-ins cost
   * an Argon2id verification each, and the fuzzer ends (and so replaces) sessions thousands of times.
   */
  async mintSession(userId: string): Promise<{ token: string; sessionId: string }> {
    const { deps } = this.t.server;
    const { token, session } = await createSession(deps.db, deps.config, userId, { ip: '127.0.0.1', userAgent: 'parley-fuzz' });
    return { token, sessionId: session.id };
  }

  /** The session's user and session ids, or undefined when the session does not work. */
  async me(token: string): Promise<{ userId: string; sessionId: string } | undefined> {
    const res = await this.http.json('GET', '/api/auth/me', undefined, token);
    if (res.status !== 200) return undefined;
    const body = res.json as { user: { id: string }; session: { id: string } };
    return { userId: body.user.id, sessionId: body.session.id };
  }

  async connect(account: Account): Promise<Connected> {
    return { ...account, socket: await openSocket(this.t.url, account.token) };
  }

  /** Error-level (50) and fatal (60) lines the server logged since `from` (an index into the captured lines). */
  errorLogLines(from = 0): string[] {
    return this.t.logs.lines.slice(from).filter((l) => /"level":(50|60)/.test(l));
  }

  get logCount(): number {
    return this.t.logs.lines.length;
  }

  private tables: string[] | undefined;

  /**
   * A fingerprint of everything the server stores, every table found in the database (so tables added later are
   * covered too). Rows in full (bytes as their hash), except: `last_seen_at` columns (touched by any authenticated
   * request, by design) and the messages table, as aggregates (count, sequence numbers, edit and delete times, body
   * and content-type sizes), so the check stays cheap however many messages the fuzzer sent.
   */
  async fingerprint(): Promise<string> {
    const db = this.t.server.deps.db;
    this.tables ??= (await db.introspection.getTables()).map((t) => t.name).filter((n) => !n.startsWith('kysely_')).sort();
    const hash = createHash('sha256');
    const counts: string[] = [];
    const replacer = (_key: string, v: unknown) =>
      v instanceof Uint8Array ? `bytes:${createHash('sha1').update(v).digest('hex')}` : typeof v === 'bigint' ? String(v) : v;
    await Promise.all(
      this.tables.map(async (table) => {
        let rows: unknown[];
        if (table === 'messages') {
          rows = await db
            .selectFrom('messages')
            .select((eb) => [
              eb.fn.countAll().as('n'),
              eb.fn.sum('seq').as('seqs'),
              eb.fn.sum(eb.fn.coalesce('edited_at', eb.lit(0))).as('edits'),
              eb.fn.sum(eb.fn.coalesce('deleted_at', eb.lit(0))).as('deletes'),
              eb.fn.sum(eb.fn('length', ['body'])).as('bytes'),
              eb.fn.sum(eb.fn('length', ['content_type'])).as('types'),
              eb.fn.max('created_at').as('newest'),
            ])
            .execute();
          rows = rows.map((r) => Object.values(r as object).map(String));
        } else {
          const result = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
          rows = result.rows.map((r) => {
            const { last_seen_at: _touched, ...rest } = r;
            return rest;
          });
        }
        counts.push(`${table}=${rows.length}`);
        return { table, rows: rows.map((r) => JSON.stringify(r, replacer)).sort() };
      }),
    ).then((all) => {
      for (const { table, rows } of all) hash.update(table).update(JSON.stringify(rows));
    });
    return `${hash.digest('hex').slice(0, 16)} (${counts.sort().join(' ')})`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The socket world: a fuzzing user with contacts, requests, a block, direct and group conversations, messages.

export interface SocketWorld {
  me: Connected;
  friends: Connected[];
  /** Everyone else the fixture made, by role. */
  others: Account[];
  /** User names the payloads draw from: real people in every relationship, the fuzzer itself, a case variant. */
  usernames: string[];
  /** Conversations: direct, own group, a group where the fuzzer is a plain member, a foreign one; then created ones. */
  conversationIds: string[];
  /** Messages: the fuzzer's own, others', a deleted one, one in a foreign conversation; then sent ones. */
  messageIds: string[];
  clientKeys: string[];
  /** Session ids of other users (a DELETE of one must answer NOT_FOUND). */
  sessionIds: string[];
}

type Ack = { data?: Record<string, unknown>; error?: { code: string; message: string } };

/** Runs one event as a well-behaved client and insists on success. */
export async function ok(socket: Socket, event: string, payload: unknown): Promise<Record<string, unknown>> {
  const answer = await emitWithAck(socket, event, [payload]);
  const value = answer.kind === 'ack' ? (answer.value as Ack) : undefined;
  if (!value?.data) throw new Error(`fixture ${event} failed: ${JSON.stringify(answer)}`);
  return value.data;
}

const idOf = (data: Record<string, unknown>, key: 'conversation' | 'message') => (data[key] as { id: string }).id;

export async function buildSocketWorld(fx: Fixture): Promise<SocketWorld> {
  const [me, f1, f2, pendingIn, pendingOut, stranger, blocker] = await Promise.all(
    ['fz', 'fa', 'fb', 'pin', 'pout', 'str', 'blk'].map((p) => fx.signUp(p)),
  );
  if (!me || !f1 || !f2 || !pendingIn || !pendingOut || !stranger || !blocker) throw new Error('fixture: sign-ups');
  const [cme, c1, c2, cin, cblk] = await Promise.all([me, f1, f2, pendingIn, blocker].map((a) => fx.connect(a)));
  if (!cme || !c1 || !c2 || !cin || !cblk) throw new Error('fixture: connects');

  await ok(cme.socket, 'contacts:request', { username: f1.username });
  await ok(cme.socket, 'contacts:request', { username: f2.username });
  await ok(c1.socket, 'contacts:accept', { username: me.username });
  await ok(c2.socket, 'contacts:accept', { username: me.username });
  await ok(c1.socket, 'contacts:request', { username: f2.username });
  await ok(c2.socket, 'contacts:accept', { username: f1.username });
  await ok(cin.socket, 'contacts:request', { username: me.username });
  await ok(cme.socket, 'contacts:request', { username: pendingOut.username });
  await ok(cblk.socket, 'contacts:block', { username: me.username });
  cin.socket.close();
  cblk.socket.close();

  const direct = idOf(await ok(cme.socket, 'conversations:openDirect', { username: f1.username }), 'conversation');
  const own = idOf(await ok(cme.socket, 'conversations:createGroup', { name: 'fuzz own', usernames: [f1.username, f2.username] }), 'conversation');
  await ok(cme.socket, 'conversations:setRole', { conversationId: own, username: f2.username, role: 'admin' });
  const member = idOf(await ok(c1.socket, 'conversations:createGroup', { name: 'fuzz member', usernames: [me.username, f2.username] }), 'conversation');
  const foreign = idOf(await ok(c1.socket, 'conversations:createGroup', { name: 'fuzz foreign', usernames: [f2.username] }), 'conversation');

  const clientKeys: string[] = [];
  const send = async (c: Connected, conversationId: string, text: string) => {
    const clientKey = b64(12);
    clientKeys.push(clientKey);
    const data = await ok(c.socket, 'messages:send', { conversationId, clientKey, contentType: 'text/plain', body: Buffer.from(text) });
    return idOf(data, 'message');
  };
  const messageIds: string[] = [];
  for (const conv of [direct, own, member]) {
    messageIds.push(await send(cme, conv, `mine in ${conv}`), await send(c1, conv, `theirs in ${conv}`));
  }
  const deleted = await send(cme, own, 'to be deleted');
  await ok(cme.socket, 'messages:delete', { messageId: deleted });
  messageIds.push(deleted, await send(c1, foreign, 'not for the fuzzer'));

  const others = [f1, f2, pendingIn, pendingOut, stranger, blocker];
  return {
    me: cme,
    friends: [c1, c2],
    others,
    usernames: [me.username, ...others.map((o) => o.username), f1.username.toUpperCase(), 'nobody-at-all'],
    conversationIds: [direct, own, member, foreign],
    messageIds,
    clientKeys,
    sessionIds: others.map((o) => o.sessionId),
  };
}

export function closeSocketWorld(world: SocketWorld): void {
  world.me.socket.close();
  for (const f of world.friends) f.socket.close();
}
