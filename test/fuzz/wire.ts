import http from 'node:http';
import { io, type Socket } from 'socket.io-client';
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';
import { SESSION_COOKIE } from '../../src/protocol/auth.js';

/**
 * The fuzzer's raw transports: HTTP over one keep-alive agent (any method, any header, any bytes as body) and
 * socket.io clients, plus an exact simulation of what the server decodes from a socket.io emit (the real parser).
 */

export interface HttpResult {
  status: number;
  text: string;
  json: unknown;
  setCookie: string[];
}

export interface HttpRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

export class HttpClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  constructor(readonly baseUrl: string) {}

  request(req: HttpRequest, timeoutMs = 15_000): Promise<HttpResult> {
    const url = new URL(this.baseUrl);
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...req.headers };
      if (req.body !== undefined) headers['content-length'] = req.body.length;
      const r = http.request(
        { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent: this.agent, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown = undefined;
            try {
              json = JSON.parse(text);
            } catch {
              // not JSON: the oracle says so
            }
            const raw = res.headers['set-cookie'];
            resolve({ status: res.statusCode ?? 0, text, json, setCookie: raw ?? [] });
          });
          res.on('error', reject);
        },
      );
      r.on('timeout', () => r.destroy(new Error(`HTTP ${req.method} ${req.path} timed out after ${timeoutMs} ms`)));
      r.on('error', reject);
      r.end(req.body);
    });
  }

  /** A JSON request from the app's origin. */
  json(method: string, path: string, body: unknown, token?: string): Promise<HttpResult> {
    const headers: Record<string, string> = { origin: new URL(this.baseUrl).origin };
    if (token) headers.cookie = `${SESSION_COOKIE}=${token}`;
    let payload: Buffer | undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = Buffer.from(JSON.stringify(body));
    }
    return this.request({ method, path, headers, body: payload });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The session token a response sets, if any. */
export function sessionTokenOf(res: HttpResult): string | undefined {
  const line = res.setCookie.find((l) => l.startsWith(`${SESSION_COOKIE}=`));
  const value = line?.split(';')[0]?.slice(SESSION_COOKIE.length + 1);
  return value ? value : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// socket.io

export function openSocket(baseUrl: string, token: string): Promise<Socket> {
  const socket = io(baseUrl, {
    transports: ['websocket'],
    extraHeaders: { origin: new URL(baseUrl).origin, cookie: `${SESSION_COOKIE}=${token}` },
    reconnection: false,
    forceNew: true,
    timeout: 10_000,
  });
  return new Promise((resolve, reject) => {
    // `ready` says the server has joined the rooms: from then on the connection is fully set up.
    socket.once('ready', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

export type AckAnswer = { kind: 'ack'; value: unknown } | { kind: 'timeout' } | { kind: 'disconnected'; reason: string };

/** Emits `event` with `args` and an acknowledgement; resolves with the answer, a timeout or the disconnect. */
export function emitWithAck(socket: Socket, event: string, args: unknown[], timeoutMs = 10_000): Promise<AckAnswer> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (a: AckAnswer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.off('disconnect', onDisconnect);
      resolve(a);
    };
    const onDisconnect = (reason: string) => finish({ kind: 'disconnected', reason });
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    socket.on('disconnect', onDisconnect);
    socket.emit(event, ...args, (value: unknown) => finish({ kind: 'ack', value }));
  });
}

export interface Decoded {
  /** The arguments the server's handler receives (before its acknowledgement), or undefined if decoding fails. */
  args: unknown[] | undefined;
  /** Why the server's parser refuses the packet (it then closes the connection). */
  decodeError: string | undefined;
  /** Size of the largest WebSocket frame the emit produces, in bytes. */
  largestFrame: number;
  /** Size of its text frame (the one that carries the ack id), in bytes. */
  textFrame: number;
}

/**
 * Exactly what the server decodes from `socket.emit(event, ...args[, ack])`: the client's encoder, the frames as
 * bytes, then the server's decoder (same socket.io-parser). Binary becomes Buffer, undefined becomes null in arrays,
 * NaN becomes null, `__proto__` keys in binary packets are lost, placeholders are resolved — whatever really happens.
 */
export function decodeAsServer(event: string, args: unknown[], withAck: boolean): Decoded {
  let largestFrame = 0;
  let textFrame = 0;
  let packets: unknown[];
  try {
    packets = new Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: [event, ...args], ...(withAck ? { id: 1 } : {}) }) as unknown[];
  } catch (e) {
    return { args: undefined, decodeError: `client cannot encode: ${String(e)}`, largestFrame, textFrame };
  }
  const frames = packets.map((p) => {
    if (typeof p === 'string') {
      textFrame = Buffer.byteLength(`4${p}`);
      largestFrame = Math.max(largestFrame, textFrame);
      return p;
    }
    const view = p as ArrayBufferView | ArrayBuffer;
    const buf = ArrayBuffer.isView(view) ? Buffer.from(view.buffer, view.byteOffset, view.byteLength) : Buffer.from(view);
    largestFrame = Math.max(largestFrame, buf.length);
    return Buffer.from(buf); // a copy, as the network would give
  });
  const decoder = new Decoder();
  let out: unknown[] | undefined;
  decoder.on('decoded', (packet: Packet) => {
    out = packet.data as unknown[];
  });
  try {
    for (const f of frames) decoder.add(f);
  } catch (e) {
    return { args: undefined, decodeError: String(e), largestFrame, textFrame };
  } finally {
    decoder.destroy();
  }
  if (!out) return { args: undefined, decodeError: 'incomplete packet', largestFrame, textFrame };
  return { args: out.slice(1), decodeError: undefined, largestFrame, textFrame };
}
