import { randomBytes } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import type { z } from 'zod';
import { SESSION_COOKIE } from '../../src/protocol/auth.js';
import { clientEvents, type ClientEventName } from '../../src/protocol/realtime.js';
import { buildSocketWorld, closeSocketWorld, type Fixture, type SocketWorld } from './fixture.js';
import { predictHttp, routeByName, type HttpCase, type HttpWorld } from './http-cases.js';
import { POLLUTION_MARK } from './mutations.js';
import { describe, judge, type Expectation, type Ledger } from './oracle.js';
import { classifySocketCase, RAW_FRAME, type ClassifiedSocketCase, type SocketCase } from './socket-cases.js';
import { emitWithAck, openSocket, sessionTokenOf, type HttpResult } from './wire.js';

/**
 * Runs batches of cases against the live server and checks the invariants around them:
 *  - every answer is a success of the right shape or `{ error: { code, message } }` with a documented code, never
 *    INTERNAL or a 5xx, and an invalid input is always refused;
 *  - a refused input changes nothing: the database fingerprint is the same before and after (checked for every
 *    batch of refused cases, and for each small group of valid cases that were all refused);
 *  - nothing is logged at error level, Object.prototype is never polluted, the connection stays usable.
 */

const OPEN_CHUNK = 3;
/**
 * How long an answer may take. Generous: the fuzzer shares a 2-core machine with other test runs, and a request that
 * waits for CPU is not a server fault; a missing answer is.
 */
const ACK_TIMEOUT_MS = 60_000;
const b64 = (n: number) => randomBytes(n).toString('base64url');

function checkProcess(fx: Fixture, ledger: Ledger, logFrom: number, target: string, cases: () => string): void {
  const errors = fx.errorLogLines(logFrom);
  if (errors.length > 0) ledger.violation(target, `${errors.length} error-level log line(s)`, `${errors[0]?.slice(0, 600) ?? ''} — batch: ${cases()}`);
  const probe = {} as Record<string, unknown>;
  const keys = [Object.prototype, Array.prototype, Function.prototype].map((p) => Object.getOwnPropertyNames(p).sort().join());
  if (probe[POLLUTION_MARK] !== undefined || probe.isAdmin !== undefined || keys.join('|') !== PROTOTYPE_KEYS) {
    ledger.violation(target, 'a built-in prototype was polluted', cases());
  }
}

/** The own keys of the built-in prototypes a payload could pollute, as the process started (the server runs in it). */
const PROTOTYPE_KEYS = [Object.prototype, Array.prototype, Function.prototype].map((p) => Object.getOwnPropertyNames(p).sort().join()).join('|');

// ---------------------------------------------------------------------------------------------------------------
// Socket events

type AckValue = { data?: unknown; error?: unknown };

export class SocketFuzzer {
  private batches = 0;
  private casesInWorld = 0;
  /** The server's own frame limit (engine.io `maxHttpBufferSize`), read from the running server. */
  private readonly frameLimit: number;
  private constructor(
    private readonly fx: Fixture,
    private readonly ledger: Ledger,
    private world: SocketWorld,
    private readonly options: { worldCases: number; apiCheckEvery: number },
  ) {
    this.frameLimit = (fx.t.server.io.engine as unknown as { opts: { maxHttpBufferSize: number } }).opts.maxHttpBufferSize;
  }

  static async create(fx: Fixture, ledger: Ledger, options: { worldCases: number; apiCheckEvery: number }): Promise<SocketFuzzer> {
    return new SocketFuzzer(fx, ledger, await buildSocketWorld(fx), options);
  }

  /** The current world (the arbitraries read it when they generate). */
  get current(): SocketWorld {
    return this.world;
  }

  close(): void {
    closeSocketWorld(this.world);
  }

  private get socket(): Socket {
    return this.world.me.socket;
  }

  private async reconnect(): Promise<void> {
    this.socket.close();
    this.world.me = { ...this.world.me, socket: await openSocket(this.fx.t.url, this.world.me.token) };
  }

  /** whoami answers, as the fuzzing user: the connection is usable. */
  private async usable(context: string): Promise<void> {
    const answer = await emitWithAck(this.socket, 'whoami', [{}], 10_000);
    const data = answer.kind === 'ack' ? ((answer.value as AckValue).data as { user?: { id?: string } } | undefined) : undefined;
    if (data?.user?.id !== this.world.me.userId) {
      this.ledger.violation('socket whoami', `connection not usable after ${context}`, JSON.stringify(answer).slice(0, 300));
      await this.reconnect();
    }
  }

  /** What the user sees through the API: conversations, contacts and the history of the fixture's conversations. */
  private async apiView(): Promise<string> {
    const calls: [string, unknown][] = [
      ['conversations:list', {}],
      ['contacts:list', {}],
      ...this.world.conversationIds.slice(0, 4).map((id): [string, unknown] => ['messages:history', { conversationId: id, limit: 100 }]),
    ];
    const answers = await Promise.all(calls.map(([e, p]) => emitWithAck(this.socket, e, [p])));
    return JSON.stringify(answers, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));
  }

  private target(c: SocketCase): string {
    if (c.kind === 'raw-frame') return RAW_FRAME;
    return Object.hasOwn(clientEvents, c.event) ? `socket ${c.event}` : 'socket (unknown event)';
  }

  private remember(event: string, data: unknown): void {
    const d = data as { conversation?: { id: string }; message?: { id: string } };
    const keep = (list: string[], id: string) => {
      list.push(id);
      if (list.length > 24) list.splice(4, 1); // the fixture's own four stay
    };
    if ((event === 'conversations:createGroup' || event === 'conversations:openDirect') && d.conversation) keep(this.world.conversationIds, d.conversation.id);
    if (event === 'messages:send' && d.message) keep(this.world.messageIds, d.message.id);
  }

  /**
   * Sends one case; returns true if it was refused (or dropped). `mayClose`: the frame is at the size limit, so the
   * server closing the connection is a right answer too (the case then runs alone).
   */
  private async runOne(x: ClassifiedSocketCase, expect: Expectation = x.expect, mayClose = false): Promise<boolean> {
    const { c } = x;
    const target = this.target(c);
    if (expect.type === 'silent') {
      try {
        this.socket.emit(c.event, ...c.args);
      } catch {
        this.ledger.count(target, 'unsendable');
        return true;
      }
      if (mayClose && (await emitWithAck(this.socket, 'whoami', [{}], ACK_TIMEOUT_MS)).kind === 'disconnected') {
        this.ledger.count(target, 'closed (frame)');
        await this.reconnect();
        return true;
      }
      this.ledger.count(target, c.kind === 'unknown-event' ? 'ignored' : 'dropped (no ack)');
      return true;
    }
    const answer = await emitWithAck(this.socket, c.event, c.args, ACK_TIMEOUT_MS);
    if (answer.kind === 'disconnected' && mayClose) {
      this.ledger.count(target, 'closed (frame)');
      await this.reconnect();
      return true;
    }
    if (answer.kind !== 'ack') {
      this.ledger.violation(target, answer.kind === 'timeout' ? `no acknowledgement within ${ACK_TIMEOUT_MS / 1000} s` : `connection closed (${answer.reason})`, `${c.kind} ${describe(c.args)}`);
      if (answer.kind === 'disconnected') await this.reconnect();
      return true;
    }
    const value = answer.value as AckValue;
    const shaped = value && typeof value === 'object' && 'data' in value ? { ok: true as const, data: value.data } : { ok: false as const, body: value };
    const response = clientEvents[c.event as ClientEventName].response as z.ZodType;
    const verdict = judge(expect, shaped, response);
    if ('problem' in verdict) {
      this.ledger.violation(target, verdict.problem, `${c.kind} ${describe(c.args)} → ${describe(value, 300)}`);
      this.ledger.count(target, 'violation');
      return !shaped.ok;
    }
    this.ledger.count(target, verdict.outcome);
    if (shaped.ok) this.remember(c.event, shaped.data);
    return !shaped.ok;
  }

  /** A frame over the limit or that does not decode: the server closes this connection and does nothing else. */
  private async runClosing(x: ClassifiedSocketCase): Promise<void> {
    const target = this.target(x.c);
    const closed = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5_000);
      this.socket.once('disconnect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    let answered: unknown;
    try {
      if (x.c.ack) this.socket.emit(x.c.event, ...x.c.args, (v: unknown) => (answered = v));
      else this.socket.emit(x.c.event, ...x.c.args);
    } catch {
      this.ledger.count(target, 'unsendable');
      return;
    }
    if (await closed) {
      this.ledger.count(target, 'closed (frame)');
    } else {
      this.ledger.violation(target, `connection not closed for ${(x.expect as { why: string }).why}`, `${describe(x.c.args)} answered ${describe(answered)}`);
    }
    await this.reconnect();
  }

  /** A hand-made frame: afterwards the connection either still answers whoami or was closed by the server. */
  private async runRaw(x: ClassifiedSocketCase): Promise<void> {
    const frame = x.c.args[0] as string | Buffer;
    this.socket.io.engine.write(frame);
    // Twice: a frame with an ack id may have the server answer an id the client reuses for its first whoami.
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await emitWithAck(this.socket, 'whoami', [{}], 5_000);
      if (answer.kind === 'disconnected') {
        this.ledger.count(RAW_FRAME, 'closed');
        await this.reconnect();
        return;
      }
      const data = answer.kind === 'ack' ? ((answer.value as AckValue).data as { user?: { id?: string } } | undefined) : undefined;
      if (data?.user?.id === this.world.me.userId) {
        this.ledger.count(RAW_FRAME, 'handled');
        return;
      }
      if (answer.kind === 'timeout') break;
    }
    this.ledger.violation(RAW_FRAME, 'connection neither usable nor closed after a raw frame', describe(frame));
    this.ledger.count(RAW_FRAME, 'violation');
    await this.reconnect();
  }

  async runBatch(cases: SocketCase[]): Promise<void> {
    this.batches += 1;
    const logFrom = this.fx.logCount;
    const summary = () => cases.map((c) => `${c.event}/${c.kind}:${describe(c.args, 120)}`).join(' | ').slice(0, 2_000);
    if (!this.socket.connected) {
      this.ledger.violation('socket', 'connection lost between batches', summary());
      await this.reconnect();
    }
    const classified = cases.map((c) => classifySocketCase(c, this.frameLimit));
    const quiet = classified.filter((x) => x.expect.type === 'reject' || x.expect.type === 'silent');
    const open = classified.filter((x) => x.expect.type === 'open');
    const closing = classified.filter((x) => x.expect.type === 'disconnect' || x.expect.type === 'boundary');
    const raw = classified.filter((x) => x.expect.type === 'raw');

    // Refused and dropped cases: all at once; the state must not move.
    const view0 = this.batches % this.options.apiCheckEvery === 0 ? await this.apiView() : undefined;
    let before = await this.fx.fingerprint();
    await Promise.all(quiet.map((x) => this.runOne(x)));
    await this.usable('refused cases'); // also a barrier: every dropped event before it has been handled
    let after = await this.fx.fingerprint();
    if (after !== before) this.ledger.violation('socket (state)', 'refused or dropped inputs changed state', `${before} → ${after}: ${quiet.map((x) => `${x.c.event}/${x.c.kind}:${describe(x.c.args, 150)}`).join(' | ').slice(0, 2_000)}`);
    if (view0 !== undefined && view0 !== (await this.apiView())) this.ledger.violation('socket (state)', 'refused inputs changed what the API shows', summary());

    // Valid cases: a few at a time; a group that was refused entirely must not have changed anything.
    before = after;
    for (let i = 0; i < open.length; i += OPEN_CHUNK) {
      const chunk = open.slice(i, i + OPEN_CHUNK);
      const refused = await Promise.all(chunk.map((x) => this.runOne(x)));
      after = await this.fx.fingerprint();
      if (refused.every(Boolean) && after !== before) {
        this.ledger.violation('socket (state)', 'refused valid-shaped inputs changed state', chunk.map((x) => `${x.c.event}:${describe(x.c.args, 200)}`).join(' | '));
      }
      before = after;
    }

    for (const x of closing) {
      // A frame at the limit with a valid payload may be answered and succeed: only a refusal or a close must leave
      // the state alone.
      const refused = x.expect.type === 'boundary' ? await this.runOne(x, x.expect.fits, true) : (await this.runClosing(x), true);
      after = await this.fx.fingerprint();
      if (refused && after !== before) this.ledger.violation('socket (state)', 'an oversized or undecodable frame changed state', describe(x.c.args));
      before = after;
    }

    for (const x of raw) {
      await this.runRaw(x);
      after = await this.fx.fingerprint();
      if (after !== before && !(x.expect as { runs: boolean }).runs) this.ledger.violation('socket (state)', 'a raw frame changed state', describe(x.c.args));
      before = after;
    }

    await this.usable('the batch');
    checkProcess(this.fx, this.ledger, logFrom, 'socket', summary);

    this.casesInWorld += cases.length;
    if (this.casesInWorld >= this.options.worldCases) {
      closeSocketWorld(this.world);
      this.world = await buildSocketWorld(this.fx);
      this.casesInWorld = 0;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP routes

export class HttpFuzzer {
  private batches = 0;
  private constructor(
    private readonly fx: Fixture,
    private readonly ledger: Ledger,
    readonly world: HttpWorld,
    private readonly options: { loginCheckEvery: number },
  ) {}

  static async create(fx: Fixture, ledger: Ledger, options: { loginCheckEvery: number }): Promise<HttpFuzzer> {
    const [main, scratch, other] = await Promise.all([fx.signUp('hm'), fx.signUp('hs'), fx.signUp('ho')]);
    if (!main || !scratch || !other) throw new Error('fixture: sign-ups');
    const fuzzer = new HttpFuzzer(fx, ledger, { main, scratch: { ...scratch, others: [] }, other }, options);
    await fuzzer.topUpScratch();
    return fuzzer;
  }

  get current(): HttpWorld {
    return this.world;
  }

  /** The scratch account keeps a second session, so deleting one of its own other sessions can succeed. */
  private async topUpScratch(): Promise<void> {
    const s = this.world.scratch;
    if (s.others.length > 0) return;
    s.others.push((await this.fx.mintSession(s.userId)).sessionId);
  }

  private async replaceScratch(): Promise<void> {
    const fresh = await this.fx.signUp('hs');
    this.world.scratch = { ...fresh, others: [] };
  }

  private cookieHeader(c: HttpCase, token: string): string | undefined {
    switch (c.cookie) {
      case 'session':
        return `${SESSION_COOKIE}=${token}`;
      case 'none':
        return undefined;
      case 'garbage':
        return `${SESSION_COOKIE}=${b64(32)}`;
      case 'long':
        return `${SESSION_COOKIE}=${'a'.repeat(500)}`;
      case 'empty':
        return `${SESSION_COOKIE}=`;
      case 'other-name':
        return `parley_session=${token}`;
    }
  }

  /** Sends one case with the given session token; judges the answer; returns it with whether it was refused. */
  private async runOne(c: HttpCase, expect: Expectation, request: { headers: Record<string, string>; bytes: Buffer | undefined; path: string }, token: string): Promise<{ refused: boolean; res?: HttpResult }> {
    const route = routeByName.get(c.route);
    if (!route) throw new Error(`unknown route ${c.route}`);
    const headers = { ...request.headers };
    const cookie = this.cookieHeader(c, token);
    if (cookie) headers.cookie = cookie;
    let res: HttpResult;
    try {
      res = await this.fx.http.request({ method: route.method, path: request.path, headers, body: request.bytes }, ACK_TIMEOUT_MS);
    } catch (e) {
      this.ledger.violation(c.route, `request failed: ${String(e)}`, `${c.kind} ${describe(c.body)}`);
      this.ledger.count(c.route, 'violation');
      return { refused: true };
    }
    const detail = () => `${c.kind} ${request.path.slice(0, 200)} origin=${c.origin} type=${String(c.contentType)} cookie=${c.cookie} body=${c.body.type === 'raw' ? `raw:${c.body.note}` : describe(c.body.type === 'json' ? c.body.value : undefined)} → ${res.status} ${res.text.slice(0, 300)}`;
    const ok = res.status >= 200 && res.status < 300;
    if (res.status >= 500) {
      this.ledger.violation(c.route, `status ${res.status}`, detail());
      this.ledger.count(c.route, 'violation');
      return { refused: true, res };
    }
    if (ok && res.status !== route.okStatus) {
      this.ledger.violation(c.route, `success status ${res.status}, expected ${route.okStatus}`, detail());
      this.ledger.count(c.route, 'violation');
      return { refused: false, res };
    }
    const verdict = judge(expect, ok ? { ok: true, data: res.json } : { ok: false, body: res.json, status: res.status }, route.response);
    if ('problem' in verdict) {
      this.ledger.violation(c.route, verdict.problem, detail());
      this.ledger.count(c.route, 'violation');
    } else {
      this.ledger.count(c.route, verdict.outcome);
    }
    return { refused: !ok, res };
  }

  private stateViolation(problem: string, cases: HttpCase[], before: string, after: string): void {
    this.ledger.violation('http (state)', problem, `${before} → ${after}: ${cases.map((c) => `${c.route}/${c.kind}:${c.body.type === 'json' ? describe(c.body.value, 150) : c.body.type}`).join(' | ').slice(0, 2_000)}`);
  }

  /** After a destructive success on the scratch account: follow the change, and check it took effect as documented. */
  private async afterScratchSuccess(c: HttpCase): Promise<void> {
    const s = this.world.scratch;
    const replaceSession = async () => Object.assign(s, await this.fx.mintSession(s.userId));
    if (c.route === 'POST /api/auth/logout') {
      if (await this.fx.me(s.token)) this.ledger.violation(c.route, 'the session still works after log-out', s.username);
      await replaceSession();
    } else if (c.route === 'POST /api/auth/password') {
      const body = (c.body.type === 'json' ? c.body.value : {}) as { newAuthKey: string };
      if (!(await this.fx.me(s.token))) {
        this.ledger.violation(c.route, 'the changing session ended with the password change', s.username);
        await replaceSession();
      }
      for (const id of s.others) {
        const gone = await this.fx.http.json('DELETE', `/api/auth/sessions/${id}`, undefined, s.token);
        if (gone.status !== 404) this.ledger.violation(c.route, `another session survived the password change (DELETE answered ${gone.status})`, s.username);
      }
      s.others = [];
      // The new key logs in (an Argon2id verification: only after a successful change).
      const again = await this.fx.logIn(s.username, body.newAuthKey);
      if (!again) {
        this.ledger.violation(c.route, 'the new key does not log in after a password change', s.username);
        return this.replaceScratch();
      }
      s.authKey = body.newAuthKey;
      s.others.push(again.sessionId);
    } else if (c.route === 'POST /api/auth/login' || c.route === 'POST /api/auth/signup') {
      // A new log-in replaces the session whose cookie it carried.
      if (c.cookie === 'session') {
        if (await this.fx.me(s.token)) this.ledger.violation(c.route, 'the replaced session still works after a new log-in', s.username);
        await replaceSession();
      }
    } else if (c.route === 'DELETE /api/auth/sessions/:id') {
      const id = decodeURIComponent(c.idSegment).toLowerCase();
      if (id === s.sessionId) {
        if (await this.fx.me(s.token)) this.ledger.violation(c.route, 'the session still works after revoking it', s.username);
        await replaceSession();
      } else {
        s.others = s.others.filter((o) => o !== id);
      }
    }
    await this.topUpScratch();
  }

  async runBatch(cases: HttpCase[]): Promise<void> {
    this.batches += 1;
    const logFrom = this.fx.logCount;
    const w = this.world;
    const predicted = cases.map((c) => ({ c, p: predictHttp(c, this.fx.origin) }));
    const quiet = predicted.filter((x) => x.p.expect.type === 'reject');
    const open = predicted.filter((x) => x.p.expect.type !== 'reject');
    const openSafe = open.filter((x) => !routeByName.get(x.c.route)?.destructive);
    const openScratch = open.filter((x) => routeByName.get(x.c.route)?.destructive);

    let before = await this.fx.fingerprint();
    await Promise.all(quiet.map((x) => this.runOne(x.c, x.p.expect, x.p, w.main.token)));
    let after = await this.fx.fingerprint();
    if (after !== before) this.stateViolation('refused requests changed state', quiet.map((x) => x.c), before, after);

    before = after;
    for (let i = 0; i < openSafe.length; i += OPEN_CHUNK) {
      const chunk = openSafe.slice(i, i + OPEN_CHUNK);
      const results = await Promise.all(chunk.map((x) => this.runOne(x.c, x.p.expect, x.p, w.main.token)));
      after = await this.fx.fingerprint();
      if (results.every((r) => r.refused) && after !== before) this.stateViolation('refused valid requests changed state', chunk.map((x) => x.c), before, after);
      before = after;
    }

    // Valid requests that end sessions or change the password: on the scratch account, one at a time.
    for (const x of openScratch) {
      const r = await this.runOne(x.c, x.p.expect, x.p, w.scratch.token);
      after = await this.fx.fingerprint();
      if (r.refused && after !== before) this.stateViolation('a refused request changed state', [x.c], before, after);
      if (!r.refused) await this.afterScratchSuccess(x.c);
      before = await this.fx.fingerprint();
    }

    // The main session still works; every few batches, so does logging in with the original key.
    if (!(await this.fx.me(w.main.token))) {
      this.ledger.violation('http (state)', 'the main session stopped working', cases.map((c) => c.route).join(', '));
      const again = await this.fx.logIn(w.main.username, w.main.authKey);
      if (again) Object.assign(w.main, again);
      else w.main = await this.fx.signUp('hm');
    }
    if (this.batches % this.options.loginCheckEvery === 0) {
      const res = await this.fx.http.json('POST', '/api/auth/login', { username: w.main.username, authKey: w.main.authKey });
      const token = sessionTokenOf(res);
      if (res.status !== 200 || !token) this.ledger.violation('http (state)', 'log-in with the original key failed', `${res.status} ${res.text.slice(0, 200)}`);
      else await this.fx.http.json('POST', '/api/auth/logout', {}, token);
    }
    checkProcess(this.fx, this.ledger, logFrom, 'http', () => cases.map((c) => `${c.route}/${c.kind}`).join(' | '));
  }
}
