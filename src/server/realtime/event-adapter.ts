import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { clientEvents, type Ack, type ClientEventName, type ClientEventResponse } from '../../protocol/realtime.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { parseInput } from '../http/validate.js';
import { observeAck } from '../observability/metrics.js';
import type { Actor } from '../policies/actor.js';
import { consumeOrThrow } from '../security/rate-limits.js';
import { InputThrottle, RequestGate } from './backpressure.js';
import { UserGate } from './user-gate.js';

export interface SocketData {
  actor: Actor;
  /** Per conversation, when this socket last relayed a typing indicator (made on its first `typing`). */
  lastTyping?: Map<string, number>;
}

type Handler<E extends ClientEventName> = (
  actor: Actor,
  input: z.infer<(typeof clientEvents)[E]['request']>,
  socket: Socket,
) => Promise<ClientEventResponse<E>>;

interface Route {
  schema: z.ZodType<unknown, unknown>;
  handler: (actor: Actor, input: unknown, socket: Socket) => Promise<unknown>;
}

/**
 * The socket events and their commands, one table per server shared by every connection: each socket gets a single
 * listener (`attach`) instead of a closure per event, which with thousands of connections is memory that matters.
 *
 * One event: rate limit → validate the payload with its protocol schema → run the command as the session's actor →
 * ack. An event without an acknowledgement callback is dropped (nobody could hear the answer), never run; so is an
 * event that is not in the table. `onAny` listeners run before socket.io's per-socket middleware (`socket.use`):
 * Parley has none, and every check an event needs is here, not in middleware.
 */
export class EventRouter {
  private readonly routes = new Map<string, Route>();
  /** Per-user fairness: a user's requests over all their connections share USER_REQUESTS_IN_FLIGHT slots. */
  readonly userGate: UserGate;

  constructor(private readonly deps: Deps) {
    const { userRequestsInFlight, userPageReadsInFlight } = deps.config.backpressure;
    this.userGate = new UserGate({ requests: userRequestsInFlight, pageReads: userPageReadsInFlight });
  }

  on<E extends ClientEventName>(event: E, handler: Handler<E>): void {
    const schema: z.ZodType<z.infer<(typeof clientEvents)[E]['request']>, unknown> = clientEvents[event].request as never;
    this.routes.set(event, { schema, handler: handler as Route['handler'] });
  }

  /** Throws at start if a protocol event has no command: every event the protocol names is served. */
  assertComplete(): void {
    const missing = Object.keys(clientEvents).filter((event) => !this.routes.has(event));
    if (missing.length > 0) throw new Error(`EventRouter: no handler for ${missing.join(', ')}`);
  }

  /**
   * Routes every event the socket receives through the table, at most `SOCKET_REQUESTS_IN_FLIGHT` at once and
   * `SOCKET_REQUESTS_QUEUED` waiting (in order); an event beyond those is answered RATE_LIMITED at once.
   */
  attach(socket: Socket): void {
    const { requestsInFlight, requestsQueued } = this.deps.config.backpressure;
    const throttle = new InputThrottle(socket.conn, requestsQueued, (events) => {
      this.deps.log.warn({ userId: (socket.data as SocketData).actor.user.id, events },
        'socket input over its cap: the client does not wait for its answers; connection cut');
    });
    const gate = new RequestGate(requestsInFlight, requestsQueued, (full) => (full ? throttle.hold('queue') : throttle.release('queue')));
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event !== 'string' || !throttle.arrived()) return;
      if (!gate.admit(() => this.dispatch(socket, event, args, throttle))) refuseBusy(args);
    });
  }

  private async dispatch(socket: Socket, event: string, args: unknown[], throttle: InputThrottle): Promise<void> {
    const route = this.routes.get(event);
    const ack = args[args.length - 1];
    // Like socket.io's own dispatch: nothing runs for a connection that is already gone.
    if (!route || typeof ack !== 'function' || !socket.connected) return;
    const reply = observeAck(event, ack as (r: Ack<unknown>) => void);
    const { deps } = this;
    try {
      if (args.length !== 2) throw new AppError('VALIDATION_FAILED', `${event} takes one payload and an acknowledgement.`);
      const { actor } = socket.data as SocketData;
      await consumeOrThrow(deps.limiters.eventsPerConnection, socket.id);
      await consumeOrThrow(deps.budgets.eventsPerUser, actor.user.username_key);
      if (event === 'messages:send') {
        await consumeOrThrow(deps.limiters.messagesPerConnection, socket.id);
        await consumeOrThrow(deps.budgets.messagesPerUser, actor.user.username_key);
      }
      const input = parseInput(route.schema, args[0], `${event} payload`);
      // A request that waited for its user's slot runs only if its connection is still there.
      const data = await this.userGate.run(actor.user.id, event, () => (socket.connected ? route.handler(actor, input, socket) : Promise.resolve(GONE)));
      if (data === GONE) return;
      reply({ data });
    } catch (err) {
      if (err instanceof AppError) {
        // A client that ignores its rate limit is not read until the window ends (its later events wait, unparsed).
        if (err.code === 'RATE_LIMITED' && err.options.retryAfterSeconds) throttle.refused(err.options.retryAfterSeconds * 1000);
        reply(err.toBody());
      } else {
        deps.log.error({ err, event }, 'socket event failed');
        reply({ error: { code: 'INTERNAL', message: 'Something went wrong on our side.' } });
      }
    }
  }
}

/** The result of a request whose connection closed while it waited for its user's slot: nothing to answer. */
const GONE = Symbol('connection gone');

/** The answer to a request over the connection's in-flight and queue caps (nothing of it runs). */
function refuseBusy(args: unknown[]): void {
  const ack = args[args.length - 1];
  if (typeof ack !== 'function') return;
  (ack as (r: Ack<unknown>) => void)({
    error: { code: 'RATE_LIMITED', message: 'Too many requests at once on this connection: wait for the answers.', retryAfterSeconds: 1 },
  });
}
