import type { z } from 'zod';
import { SESSION_COOKIE } from '../protocol/auth.js';
import { ErrorBody } from '../protocol/errors.js';
import { ParleyError } from './errors.js';

const inBrowser = typeof document !== 'undefined';

/**
 * Node only: a session kept across runs (a terminal client saves it to a 0600 file). `token` resumes a session;
 * `onChange` hears of a new one (sign-up, log-in) or of its end (log-out). The browser's cookie is the browser's.
 */
export interface SessionPersistence {
  token?: string | undefined;
  onChange?: (token: string | undefined) => void;
}

/**
 * JSON over fetch. In the browser the session cookie is the browser's (HttpOnly, never readable here); in Node the
 * SDK keeps it itself and sends the Origin header a browser would send.
 */
export class HttpClient {
  private sessionToken: string | undefined;
  readonly origin: string;

  constructor(
    readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args),
    private readonly session: SessionPersistence = {},
  ) {
    this.origin = new URL(baseUrl).origin;
    this.sessionToken = session.token;
  }

  /** Cookie and Origin headers for a Node socket.io handshake (the browser sends its own). */
  nodeHandshakeHeaders(): Record<string, string> | undefined {
    if (inBrowser) return undefined;
    return {
      origin: this.origin,
      ...(this.sessionToken ? { cookie: `${SESSION_COOKIE}=${this.sessionToken}` } : {}),
    };
  }

  async request<R extends z.ZodType>(method: string, path: string, response: R, body?: unknown): Promise<z.infer<R>> {
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const res = await this.send(method, path, {
      headers: { accept: 'application/json', ...(hasBody ? { 'content-type': 'application/json' } : {}) },
      ...(hasBody ? { body: JSON.stringify(body ?? {}) } : {}),
    });
    const parsed = response.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new ParleyError('BAD_RESPONSE', `Unexpected response from ${method} ${path}.`, res.status);
    return parsed.data;
  }

  /**
   * A request whose body or answer is bytes (encrypted files): the session's headers are added, an error answer
   * becomes a ParleyError with the server's code, a cancelled request ABORTED and a failed one NETWORK.
   */
  binary(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: Uint8Array<ArrayBuffer>; signal?: AbortSignal },
  ): Promise<Response> {
    return this.send(method, path, init);
  }

  /** One fetch with the session's headers; a successful answer as is, anything else a ParleyError. */
  private async send(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: BodyInit; signal?: AbortSignal },
  ): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (!inBrowser) {
      headers.origin = this.origin;
      if (this.sessionToken) headers.cookie = `${SESSION_COOKIE}=${this.sessionToken}`;
    }
    let res: Response;
    try {
      res = await this.fetchImpl(new URL(path, this.baseUrl), {
        method,
        headers,
        credentials: 'same-origin',
        ...(init.body !== undefined ? { body: init.body } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      });
    } catch (err) {
      if (init.signal?.aborted) throw new ParleyError('ABORTED', 'The transfer was cancelled.');
      throw new ParleyError('NETWORK', `Could not reach the server: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!inBrowser) this.captureCookie(res);
    if (res.ok) return res;
    const parsed = ErrorBody.safeParse(await res.json().catch(() => undefined));
    if (parsed.success) {
      const e = parsed.data.error;
      throw new ParleyError(e.code, e.message, res.status, e.retryAfterSeconds);
    }
    throw new ParleyError('BAD_RESPONSE', `The server answered ${res.status}.`, res.status);
  }

  private captureCookie(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (pair.slice(0, eq).trim() !== SESSION_COOKIE) continue;
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a) || /^\s*expires\s*=.*1970/i.test(a));
      const next = value && !expired ? value : undefined;
      if (next !== this.sessionToken) {
        this.sessionToken = next;
        this.session.onChange?.(next);
      }
    }
  }
}
