import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { clientEvents, type Ack, type ClientEventName, type ClientEventResponse } from '../../protocol/realtime.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { parseInput } from '../http/validate.js';
import { observeAnswer } from '../observability/metrics.js';
import type { Actor } from '../policies/actor.js';
import { FixedWindow, passOrThrow } from '../security/event-limits.js';
import { InputThrottle, RequestGate } from './backpressure.js';
import { PageBudget } from './page-budget.js';
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
  /** What the validation error names (made once, not per event). */
  what: string;
}

/** What one connection keeps for its events: its input throttle and its rate-limit windows. */
interface Connection {
  socket: Socket;
  throttle: InputThrottle;
  events: FixedWindow;
  messages: FixedWindow;
}

/** The rate limits' window: 10 s, as the names of their settings say (`…_PER_10S`). */
const WINDOW_MS = 10_000;

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
  /**
   * Per-user fairness: a user's requests over all their connections share USER_REQUESTS_IN_FLIGHT slots, and their
   * page reads USER_PAGE_KIB_PER_SECOND.
   */
  readonly userGate: UserGate;

  constructor(private readonly deps: Deps) {
    const { userRequestsInFlight, userPageReadsInFlight, userPageBytesPerSecond, userPageBurstBytes } = deps.config.backpressure;
    const budget = new PageBudget({ bytesPerSecond: userPageBytesPerSecond, burstBytes: userPageBurstBytes });
    this.userGate = new UserGate({ requests: userRequestsInFlight, pageReads: userPageReadsInFlight }, budget);
  }

  on<E extends ClientEventName>(event: E, handler: Handler<E>): void {
    const schema: z.ZodType<z.infer<(typeof clientEvents)[E]['request']>, unknown> = clientEvents[event].request as never;
    this.routes.set(event, { schema, handler: handler as Route['handler'], what: `${event} payload` });
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
    const connection: Connection = { socket, throttle, events: new FixedWindow(), messages: new FixedWindow() };
    const gate = new RequestGate<unknown[]>(requestsInFlight, requestsQueued, (packet) => this.dispatch(connection, packet),
      (full) => (full ? throttle.hold('queue') : throttle.release('queue')));
    // The packet: the event's name, its arguments, and its acknowledgement last.
    socket.onAny((...packet: unknown[]) => {
      if (typeof packet[0] !== 'string' || !throttle.arrived()) return;
      if (!gate.admit(packet)) refuseBusy(packet);
    });
  }

  private async dispatch(connection: Connection, packet: unknown[]): Promise<void> {
    const { socket } = connection;
    const event = packet[0] as string;
    const route = this.routes.get(event);
    const ack = packet[packet.length - 1];
    // Like socket.io's own dispatch: nothing runs for a connection that is already gone.
    if (!route || typeof ack !== 'function' || !socket.connected) return;
    const started = performance.now();
    const reply = ack as (r: Ack<unknown>) => void;
    try {
      if (packet.length !== 3) throw new AppError('VALIDATION_FAILED', `${event} takes one payload and an acknowledgement.`);
      const { actor } = socket.data as SocketData;
      const shared = this.takeLimits(connection, event, actor.user.username_key);
      if (shared) await shared;
      const input = parseInput(route.schema, packet[1], route.what);
      // A request that waited for its user's slot runs only if its connection is still there.
      const data = await this.userGate.run(actor.user.id, event, () => (socket.connected ? route.handler(actor, input, socket) : Promise.resolve(GONE)));
      if (data === GONE) return;
      answer(reply, event, started, { data });
    } catch (err) {
      if (err instanceof AppError) {
        // A client that ignores its rate limit is not read until the window ends (its later events wait, unparsed).
        if (err.code === 'RATE_LIMITED' && err.options.retryAfterSeconds) connection.throttle.refused(err.options.retryAfterSeconds * 1000);
        answer(reply, event, started, err.toBody());
      } else {
        this.deps.log.error({ err, event }, 'socket event failed');
        answer(reply, event, started, { error: { code: 'INTERNAL', message: 'Something went wrong on our side.' } });
      }
    }
  }

  /**
   * The event's rate limits, in order: events per connection, events per user, and for a send messages per connection
   * and per user. The connection's own are counted here, at once; a user's budget too, unless it is shared through
   * Redis (then the promise to wait for). Throws RATE_LIMITED for the first limit that refuses (later ones count nothing).
   */
  private takeLimits(connection: Connection, event: string, userKey: string): Promise<void> | undefined {
    const { limits } = this.deps.config;
    const { budgets } = this.deps;
    const now = Date.now();
    passOrThrow(connection.events.take(limits.eventsPerConnectionPer10s, WINDOW_MS, now), 'rl:evt:conn');
    const byUser = budgets.eventsPerUser.take(userKey, now);
    if (event !== 'messages:send') return byUser;
    if (byUser) return byUser.then(() => this.takeMessageLimits(connection, userKey, Date.now()));
    return this.takeMessageLimits(connection, userKey, now);
  }

  private takeMessageLimits(connection: Connection, userKey: string, now: number): Promise<void> | undefined {
    passOrThrow(connection.messages.take(this.deps.config.limits.messagesPerConnectionPer10s, WINDOW_MS, now), 'rl:msg:conn');
    return this.deps.budgets.messagesPerUser.take(userKey, now);
  }
}

/** The result of a request whose connection closed while it waited for its user's slot: nothing to answer. */
const GONE = Symbol('connection gone');

/** Answers an event, counted in the metrics (its outcome; for a send, the time from arrival to answer). */
function answer(reply: (r: Ack<unknown>) => void, event: string, started: number, body: Ack<unknown>): void {
  observeAnswer(event, body, started);
  reply(body);
}

/** The answer to a request over the connection's in-flight and queue caps (nothing of it runs). */
function refuseBusy(packet: unknown[]): void {
  const ack = packet[packet.length - 1];
  if (typeof ack !== 'function') return;
  (ack as (r: Ack<unknown>) => void)({
    error: { code: 'RATE_LIMITED', message: 'Too many requests at once on this connection: wait for the answers.', retryAfterSeconds: 1 },
  });
}
