import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { SESSION_COOKIE } from '../../src/protocol/auth.js';
import { TEST_KDF } from './server.js';

/** Any running server: a test server, or one the benchmarks started. */
type Target = { url: string };

/** Accounts and sockets without the SDK: what a hostile client can do with a session cookie and an allowed Origin. */
const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');

export type ConnectError = Error & { data?: { code?: string; message?: string } };
export type Answer = { data?: unknown; error?: { code: string; message: string } };

export async function post(t: Target, path: string, body: unknown, token?: string): Promise<Response> {
  const headers: Record<string, string> = { origin: new URL(t.url).origin, 'content-type': 'application/json' };
  if (token) headers.cookie = `${SESSION_COOKIE}=${token}`;
  return fetch(new URL(path, t.url), { method: 'POST', headers, body: JSON.stringify(body) });
}

export const tokenOf = (res: Response): string =>
  res.headers
    .getSetCookie()
    .find((l) => l.startsWith(`${SESSION_COOKIE}=`))
    ?.split(';')[0]
    ?.slice(SESSION_COOKIE.length + 1) ?? '';

export interface RawAccount {
  username: string;
  token: string;
  authKey: string;
  /** A new session of the same user (a log-in without a previous cookie). */
  login(): Promise<string>;
}

/** Signs up `username` over HTTP with the test KDF; the token is the session cookie's value. */
export async function rawAccount(t: Target, username: string): Promise<RawAccount> {
  const authKey = b64(32);
  const res = await post(t, '/api/auth/signup', { username, salt: b64(16), kdf: TEST_KDF, authKey });
  if (res.status !== 201) throw new Error(`sign-up of ${username} answered ${res.status}`);
  const login = async () => tokenOf(await post(t, '/api/auth/login', { username, authKey }));
  return { username, token: tokenOf(res), authKey, login };
}

/** A socket.io connection with this session cookie; resolves on the server's `ready`, rejects with the connect_error. */
export function openSocket(t: Target, token: string): Promise<Socket> {
  const socket = io(t.url, {
    transports: ['websocket'],
    extraHeaders: { origin: new URL(t.url).origin, cookie: `${SESSION_COOKIE}=${token}` },
    reconnection: false,
    forceNew: true,
    timeout: 5_000,
  });
  return new Promise<Socket>((resolve, reject) => {
    socket.once('ready', () => resolve(socket));
    socket.once('connect_error', (err: ConnectError) => {
      socket.close();
      reject(err);
    });
  });
}

/** One request and its acknowledgement. */
export function ask(socket: Socket, event: string, payload: unknown, timeoutMs = 10_000): Promise<Answer> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<Answer>;
}
