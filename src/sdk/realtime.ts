import { io, type Socket } from 'socket.io-client';
import { Decoder, Encoder } from 'socket.io-parser';
import { ErrorBody } from '../protocol/errors.js';
import {
  clientEvents,
  type ClientEventName,
  type ClientEventRequest,
  type ClientEventResponse,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../protocol/realtime.js';
import { ParleyError } from './errors.js';
import type { HttpClient } from './http.js';

export type ParleySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A page of messages carries one binary attachment per body: allow a full page (socket.io's default is 10). */
class PageDecoder extends Decoder {
  constructor() {
    super({ maxAttachments: 512 });
  }
}
const parser = { Encoder, Decoder: PageDecoder };

/**
 * The socket.io connection: authenticated by the session cookie; every request answered by an ack. socket.io
 * reconnects by itself; each time the server has joined the connection to its rooms it sends `ready`.
 */
export class Realtime {
  socket: ParleySocket | undefined;

  constructor(private readonly http: HttpClient) {}

  connect(setup: (socket: ParleySocket) => void): Promise<void> {
    this.close();
    const headers = this.http.nodeHandshakeHeaders();
    const socket: ParleySocket = io(this.http.baseUrl, {
      path: '/socket.io',
      // WebSocket only: binary bodies go as raw frames (polling would base64 them past the 64 KiB frame limit),
      // and several server instances need no sticky sessions.
      transports: ['websocket'],
      withCredentials: true,
      parser,
      reconnection: true,
      reconnectionDelay: 250,
      reconnectionDelayMax: 2_000,
      randomizationFactor: 0.3,
      ...(headers ? { extraHeaders: headers } : {}),
    });
    this.socket = socket;
    setup(socket);
    // socket.io does not retry a connection its server refused; retry unless the refusal was about the session.
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      if (socket.active || err.data?.code === 'UNAUTHENTICATED' || err.data?.code === 'FORBIDDEN_ORIGIN') return;
      setTimeout(() => {
        if (this.socket === socket && !socket.connected) socket.connect();
      }, 1_000);
    });
    return new Promise<void>((resolve, reject) => {
      const onReady = () => {
        socket.off('connect_error', onError);
        resolve();
      };
      const onError = (err: Error & { data?: unknown }) => {
        socket.off('ready', onReady);
        socket.close();
        const body = ErrorBody.safeParse({ error: err.data });
        reject(
          body.success
            ? new ParleyError(body.data.error.code, body.data.error.message)
            : new ParleyError('NETWORK', `Realtime connection refused: ${err.message}`),
        );
      };
      socket.once('ready', onReady);
      socket.once('connect_error', onError);
    });
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  /** A connection exists (connected, or reconnecting by itself); false before connect() and after close(). */
  get active(): boolean {
    return this.socket !== undefined;
  }

  /** Emits an event and waits for its acknowledgement: `{ data }` resolves, `{ error }` throws a ParleyError. */
  async request<E extends ClientEventName>(
    event: E,
    payload: ClientEventRequest<E>,
    timeoutMs = 10_000,
  ): Promise<ClientEventResponse<E>> {
    const socket = this.socket;
    if (!socket) throw new ParleyError('NOT_CONNECTED', 'Not connected: call connect() first.');
    // Reconnecting: wait for the connection to be back (and caught up) rather than fail at once.
    if (!socket.connected) await this.waitForReady(socket, timeoutMs);
    const timed = socket.timeout(timeoutMs) as unknown as { emitWithAck(ev: string, p: unknown): Promise<unknown> };
    const answer: unknown = await timed.emitWithAck(event, payload).catch((err: unknown) => {
      throw new ParleyError('NETWORK', `No answer to ${event}: ${err instanceof Error ? err.message : String(err)}`);
    });
    const failure = ErrorBody.safeParse(answer);
    if (failure.success) {
      const e = failure.data.error;
      throw new ParleyError(e.code, e.message, undefined, e.retryAfterSeconds);
    }
    const parsed = clientEvents[event].response.safeParse((answer as { data?: unknown } | undefined)?.data);
    if (!parsed.success) throw new ParleyError('BAD_RESPONSE', `Unexpected answer to ${event}.`);
    return parsed.data as ClientEventResponse<E>;
  }

  private waitForReady(socket: ParleySocket, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.off('ready', onReady);
        reject(new ParleyError('NOT_CONNECTED', 'Not connected to the server.'));
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      socket.once('ready', onReady);
    });
  }

  close(): void {
    this.socket?.removeAllListeners();
    this.socket?.close();
    this.socket = undefined;
  }
}
