import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/protocol/auth.js';
import { dialect } from '../support/env.js';
import { startTestServer, TEST_KDF, type TestServer } from '../support/server.js';

type Transport = 'websocket' | 'polling';
type ConnectError = Error & { data?: { code?: string } };
const EVIL = 'http://evil.example';
const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');

/** Fails fast (instead of at the test timeout) when something expected does not happen. */
function within<T>(promise: Promise<T>, what: string, ms = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe(`realtime handshake and session lifecycle (${dialect})`, () => {
  let t: TestServer;
  let origin: string;
  const sockets: Socket[] = [];
  let counter = 0;

  beforeAll(async () => {
    t = await startTestServer();
    origin = new URL(t.url).origin;
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(() => t.close());

  async function post(path: string, body: unknown, token?: string, method = 'POST'): Promise<Response> {
    const headers: Record<string, string> = { origin, 'content-type': 'application/json' };
    if (token) headers.cookie = `${SESSION_COOKIE}=${token}`;
    return fetch(new URL(path, t.url), { method, headers, body: JSON.stringify(body) });
  }

  const tokenOf = (res: Response) =>
    res.headers
      .getSetCookie()
      .find((l) => l.startsWith(`${SESSION_COOKIE}=`))
      ?.split(';')[0]
      ?.slice(SESSION_COOKIE.length + 1) ?? '';

  /** A new account with one session; `login()` opens another session of the same user. */
  async function account() {
    const username = `rt-user-${++counter}`;
    const authKey = b64(32);
    const res = await post('/api/auth/signup', { username, salt: b64(16), kdf: TEST_KDF, authKey });
    expect(res.status).toBe(201);
    const { user } = (await res.json()) as { user: { id: string; username: string } };
    const login = async () => tokenOf(await post('/api/auth/login', { username, authKey }));
    return { user, token: tokenOf(res), login };
  }

  function open(opts: { token?: string; origin?: string | null; transport?: Transport }): Socket {
    const headers: Record<string, string> = {};
    const o = opts.origin === undefined ? origin : opts.origin;
    if (o !== null) headers.origin = o;
    if (opts.token) headers.cookie = `${SESSION_COOKIE}=${opts.token}`;
    const socket = io(t.url, {
      transports: [opts.transport ?? 'websocket'],
      extraHeaders: headers,
      reconnection: false,
      forceNew: true,
      timeout: 5_000,
    });
    sockets.push(socket);
    return socket;
  }

  /** Resolves when connected; rejects with the connect_error. */
  function connect(opts: Parameters<typeof open>[0]): Promise<Socket> {
    const socket = open(opts);
    const settled = new Promise<Socket>((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (err: ConnectError) => reject(err));
    });
    return within(settled, 'connect or connect_error');
  }

  const refusal = (opts: Parameters<typeof open>[0]) =>
    connect(opts).then(
      () => undefined,
      (e: unknown) => e as ConnectError,
    );

  const disconnected = (socket: Socket) =>
    within(new Promise<string>((resolve) => socket.once('disconnect', (reason: string) => resolve(reason))), 'disconnect');
  const revokedEvent = (socket: Socket) =>
    within(new Promise<unknown>((resolve) => socket.once('session:revoked', resolve)), 'session:revoked');

  const whoami = (socket: Socket, payload: unknown = {}) =>
    socket.timeout(5_000).emitWithAck('whoami', payload) as Promise<{ data?: { user: { id: string }; sessionId: string }; error?: { code: string } }>;

  describe.each(['websocket', 'polling'] as const)('over %s', (transport) => {
    it('refuses a handshake without a session: UNAUTHENTICATED', async () => {
      const err = await refusal({ transport });
      expect(err?.message).toBe('UNAUTHENTICATED');
      expect(err?.data?.code).toBe('UNAUTHENTICATED');
      const bogus = await refusal({ transport, token: b64(32) });
      expect(bogus?.message).toBe('UNAUTHENTICATED');
    });

    it('refuses a handshake with a valid session but a foreign or missing Origin', async () => {
      const { token } = await account();
      const foreign = await refusal({ transport, token, origin: EVIL });
      expect(foreign).toBeInstanceOf(Error);
      expect(foreign?.message).not.toBe('UNAUTHENTICATED'); // refused before the session is even looked at
      expect(await refusal({ transport, token, origin: null })).toBeInstanceOf(Error);
      // The same session from the app's origin is welcome.
      expect((await connect({ transport, token })).connected).toBe(true);
    });

    it('accepts a session from the allowed Origin: whoami answers the session user', async () => {
      const { user, token } = await account();
      const socket = await connect({ transport, token });
      const answer = await whoami(socket);
      expect(answer.data?.user).toMatchObject({ id: user.id, username: user.username });
      expect(answer.data?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  it('answers a foreign-Origin polling handshake with 403 before any session exists', async () => {
    const { token } = await account();
    const res = await fetch(new URL('/socket.io/?EIO=4&transport=polling', t.url), {
      headers: { origin: EVIL, cookie: `${SESSION_COOKIE}=${token}` },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('FORBIDDEN_ORIGIN');
    expect(res.headers.get('access-control-allow-origin')).not.toBe(EVIL);
  });

  it('answers bad whoami calls with VALIDATION_FAILED (or drops them) and stays usable', async () => {
    const { user, token } = await account();
    const socket = await connect({ token });
    expect(await whoami(socket, { userId: 'someone-else' })).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(await whoami(socket, 'not an object')).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(await whoami(socket, null)).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const extra = (await socket.timeout(5_000).emitWithAck('whoami', {}, 'extra')) as unknown;
    expect(extra).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const bare = (await socket.timeout(5_000).emitWithAck('whoami')) as unknown;
    expect(bare).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    socket.emit('whoami', {}); // no acknowledgement: nobody hears an answer
    socket.emit('no-such-event', { x: 1 });
    expect((await whoami(socket)).data?.user.id).toBe(user.id);
    expect(socket.connected).toBe(true);
  });

  it('logout ends that session’s socket only: session:revoked, then disconnect', async () => {
    const { user, token, login } = await account();
    const laptop = await connect({ token });
    const phone = await connect({ token: await login(), transport: 'polling' });
    const revoked = revokedEvent(laptop);
    const laptopGone = disconnected(laptop);
    let phoneRevoked = false;
    phone.on('session:revoked', () => (phoneRevoked = true));

    expect((await post('/api/auth/logout', {}, token)).status).toBe(200);
    expect(await revoked).toEqual({ reason: 'logout' });
    expect(await laptopGone).toBe('io server disconnect');
    expect((await whoami(phone)).data?.user.id).toBe(user.id);
    expect(phone.connected).toBe(true);
    expect(phoneRevoked).toBe(false);
    // The ended session cannot open a new socket.
    expect((await refusal({ token }))?.message).toBe('UNAUTHENTICATED');
  });

  it('revoking a session (DELETE /api/auth/sessions/:id) disconnects its sockets', async () => {
    const { token, login } = await account();
    const phoneToken = await login();
    const phone = await connect({ token: phoneToken });
    const phonePolling = await connect({ token: phoneToken, transport: 'polling' });
    const laptop = await connect({ token });
    const phoneSession = (await whoami(phone)).data?.sessionId ?? '';
    const reasons = [phone, phonePolling].map(revokedEvent);
    const gone = [disconnected(phone), disconnected(phonePolling)];

    expect((await post(`/api/auth/sessions/${phoneSession}`, {}, token, 'DELETE')).status).toBe(200);
    expect(await Promise.all(reasons)).toEqual([{ reason: 'revoked' }, { reason: 'revoked' }]);
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(laptop.connected).toBe(true);
    expect((await whoami(laptop)).data).toBeDefined();
  });

  it('another user cannot revoke my session, and my socket stays', async () => {
    const me = await account();
    const other = await account();
    const socket = await connect({ token: me.token });
    const mySession = (await whoami(socket)).data?.sessionId ?? '';
    expect((await post(`/api/auth/sessions/${mySession}`, {}, other.token, 'DELETE')).status).toBe(404);
    expect((await whoami(socket)).data?.sessionId).toBe(mySession);
  });

  it.each(['websocket', 'polling'] as const)('closes a %s connection that sends a frame over 64 KiB; the server stays up', async (transport) => {
    const { user, token } = await account();
    const socket = await connect({ token, transport });
    const gone = disconnected(socket);
    socket.emit('whoami', { pad: 'x'.repeat(80 * 1024) }, () => undefined);
    expect(await gone).toMatch(/transport (close|error)/);
    const fresh = await connect({ token, transport });
    expect((await whoami(fresh)).data?.user.id).toBe(user.id);
  });
});
