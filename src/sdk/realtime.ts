import { io, type Socket } from 'socket.io-client';
import type { z } from 'zod';
import { ErrorBody } from '../protocol/errors.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol/realtime.js';
import { ParleyError } from './errors.js';
import type { HttpClient } from './http.js';

export type ParleySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The socket.io connection: authenticated by the session cookie; every request answered by an ack. */
export class Realtime {
  socket: ParleySocket | undefined;

  constructor(private readonly http: HttpClient) {}

  connect(onSocket: (socket: ParleySocket) => void): Promise<void> {
    this.close();
    const headers = this.http.nodeHandshakeHeaders();
    const socket: ParleySocket = io(this.http.baseUrl, {
      path: '/socket.io',
      transports: ['websocket', 'polling'],
      withCredentials: true,
      reconnection: true,
      ...(headers ? { extraHeaders: headers } : {}),
    });
    this.socket = socket;
    onSocket(socket);
    return new Promise<void>((resolve, reject) => {
      const onConnect = () => {
        socket.off('connect_error', onError);
        resolve();
      };
      const onError = (err: Error & { data?: unknown }) => {
        socket.off('connect', onConnect);
        socket.close();
        const body = ErrorBody.safeParse({ error: err.data });
        reject(
          body.success
            ? new ParleyError(body.data.error.code, body.data.error.message)
            : new ParleyError('NETWORK', `Realtime connection refused: ${err.message}`),
        );
      };
      socket.once('connect', onConnect);
      socket.once('connect_error', onError);
    });
  }

  /** Emits an event and waits for its acknowledgement: `{ data }` resolves, `{ error }` throws a ParleyError. */
  async request<R extends z.ZodType>(event: keyof ClientToServerEvents, payload: unknown, response: R, timeoutMs = 10_000): Promise<z.infer<R>> {
    const socket = this.socket;
    if (!socket?.connected) throw new ParleyError('NOT_CONNECTED', 'Not connected: call connect() first.');
    const answer: unknown = await socket.timeout(timeoutMs).emitWithAck(event, payload).catch((err: unknown) => {
      throw new ParleyError('NETWORK', `No answer to ${event}: ${err instanceof Error ? err.message : String(err)}`);
    });
    const failure = ErrorBody.safeParse(answer);
    if (failure.success) throw new ParleyError(failure.data.error.code, failure.data.error.message);
    const ok = (answer as { data?: unknown } | undefined)?.data;
    const parsed = response.safeParse(ok);
    if (!parsed.success) throw new ParleyError('BAD_RESPONSE', `Unexpected answer to ${event}.`);
    return parsed.data;
  }

  close(): void {
    this.socket?.removeAllListeners();
    this.socket?.close();
    this.socket = undefined;
  }
}
