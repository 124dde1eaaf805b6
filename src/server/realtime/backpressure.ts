import type { Logger } from 'pino';
import type { Socket } from 'socket.io';

/** engine.io's socket under a socket.io connection. */
type EngineSocket = Socket['conn'];

/**
 * At most `inFlight` requests of one connection run at once; up to `queued` more wait in order for a slot, and a
 * request beyond that is refused at once (the caller answers RATE_LIMITED). Memory held for one connection's requests
 * is so bounded by configuration (each waiting request is at most one 64 KiB frame), whatever the client sends.
 * While the queue is full the connection's input is paused (`onFull(true)`): further requests wait in the client's and
 * the kernel's buffers, costing the server nothing, until the queue is half empty again (`onFull(false)`).
 *
 * A request is the item `run` is called with (the socket's event packet): the gate makes no closure per request.
 */
export class RequestGate<T> {
  private running = 0;
  private readonly waiting: T[] = [];
  private full = false;
  /** One callback for every request's end (made once per connection, not per request). */
  private readonly finished = (): void => {
    this.running--;
    if (this.waiting.length > 0) this.start(this.waiting.shift() as T);
    if (this.full && this.waiting.length <= this.queued / 2) {
      this.full = false;
      this.onFull(false);
    }
  };

  constructor(
    private readonly inFlight: number,
    private readonly queued: number,
    private readonly run: (item: T) => Promise<void>,
    private readonly onFull: (full: boolean) => void = () => undefined,
  ) {}

  /** Runs `item` now or when a slot frees; returns false (and runs nothing) when the queue is full. */
  admit(item: T): boolean {
    if (this.running < this.inFlight && this.waiting.length === 0) {
      this.start(item);
      return true;
    }
    if (this.waiting.length >= this.queued) return false;
    this.waiting.push(item);
    if (this.waiting.length >= this.queued && !this.full) {
      this.full = true;
      this.onFull(true);
    }
    return true;
  }

  /** Requests running and waiting, for tests and logs. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private start(item: T): void {
    this.running++;
    this.run(item).then(this.finished, this.finished);
  }
}

/** Bytes of one engine.io packet's payload (a string counts its length: JSON, mostly ASCII). */
function sizeOf(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

interface WsLike {
  bufferedAmount?: number;
  removeAllListeners?: (event: string) => void;
  terminate?: () => void;
  pause?: () => void;
  resume?: () => void;
}

/** The `ws` WebSocket under a WebSocket transport (undefined for long-polling). */
function webSocketOf(conn: EngineSocket): WsLike | undefined {
  const transport = conn.transport as unknown as { name?: string; socket?: WsLike };
  return transport.name === 'websocket' ? transport.socket : undefined;
}

export interface OutputCapOptions {
  maxBytes: number;
  log: Logger;
  /** Who the connection belongs to, for the log line. */
  userId: string;
  /** Called once when the connection is cut (the abuse counters of tests and benchmarks). */
  onCut?: (bytes: number) => void;
}

/**
 * A byte cap on a connection's unsent output: what engine.io has queued for it plus what its WebSocket has handed to
 * the TCP socket that the peer has not read yet (ws's `bufferedAmount`, which Node keeps in memory without bound).
 * Checked whenever a packet is queued (output only grows then): a client that stops reading is disconnected, and
 * logged, as soon as its output passes the cap, so it can never hold more than the cap plus one packet.
 *
 * The cut discards the queued packets and destroys the TCP socket at once (`ws.terminate()`): a polite close would
 * wait for the very buffer the client refuses to read.
 */
export function capOutput(socket: Socket, options: OutputCapOptions): void {
  const conn = socket.conn;
  let queued = 0;
  let cut = false;
  conn.on('packetCreate', (packet: { data?: unknown }) => {
    queued += sizeOf(packet.data);
    if (cut) return;
    const unsent = queued + (webSocketOf(conn)?.bufferedAmount ?? 0);
    if (unsent <= options.maxBytes) return;
    cut = true;
    options.log.warn(
      { userId: options.userId, unsentBytes: unsent, maxBytes: options.maxBytes, transport: conn.transport.name },
      'socket output over its cap: the client is not reading; connection cut',
    );
    options.onCut?.(unsent);
    // After this turn: engine.io pushes the packet to its buffer right after announcing it.
    queueMicrotask(() => cutConnection(conn));
  });
  conn.on('flush', (buffer: { data?: unknown }[]) => {
    for (const packet of buffer) queued -= sizeOf(packet.data);
  });
  // A client that leaves (its own socket.io disconnect) while output it has not read waits in this process: a polite
  // close would queue our close frame behind that output, and ws would keep the connection and its buffers for its
  // 30 s close timeout. Nobody will read it: drop it and the connection at once. Never when the server ends the
  // socket: what it says last (`session:revoked`, say) must still go out.
  socket.once('disconnect', (reason: string) => {
    if (!cut && reason === 'client namespace disconnect' && (webSocketOf(conn)?.bufferedAmount ?? 0) > 0) {
      cut = true;
      cutConnection(conn);
    }
  });
}

function cutConnection(conn: EngineSocket): void {
  (conn as unknown as { writeBuffer: unknown[] }).writeBuffer = [];
  const ws = webSocketOf(conn);
  if (ws && typeof ws.terminate === 'function') {
    // What ws has already read from the socket is still parsed after the cut (the rest of a 64 KiB read may hold
    // thousands of small frames): nobody hears those frames, so none of them costs more than its parse.
    ws.removeAllListeners?.('message');
    ws.terminate();
  } else conn.close(true);
}

/** Refusals by a rate limit a connection may ignore before its input is held until the limit's window ends. */
export const REFUSALS_BEFORE_HOLD = 20;

/**
 * Stops reading a connection's input while any reason holds (its request queue is full, or it is over a rate limit
 * until the limit's window ends): a flood then waits in the client's and the kernel's buffers instead of costing the
 * server a parse and a refusal per event. WebSocket only (`ws.pause()`); over long-polling nothing is paused and the
 * caps answer RATE_LIMITED instead.
 */
export class InputThrottle {
  private readonly reasons = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** Events that arrived while input was held, since it was last released. */
  private arrivedHeld = 0;
  private cut = false;

  /**
   * `maxHeldEvents`: events a connection may still deliver while its input is held (those ws had read before the
   * pause) before it is cut; `onCut` logs and counts the cut.
   */
  constructor(
    private readonly conn: EngineSocket,
    private readonly maxHeldEvents = Number.POSITIVE_INFINITY,
    private readonly onCut: (events: number) => void = () => undefined,
  ) {}

  /**
   * One event arrived; false if it must be ignored because the connection is cut. Pausing stops reading the TCP
   * socket, not the frames ws has already read: one read of 64 KiB holds thousands of small frames, and a flood of
   * them, each queued or refused with an answer, kept the event loop busy for a whole turn (300 ms) while every other
   * connection waited. A connection that goes on delivering events while held, more than `maxHeldEvents` of them (it
   * sent them without waiting for its answers, past its queue or after 20 RATE_LIMITED), is cut like a client that
   * does not read: the rest of what was read is parsed and dropped.
   */
  arrived(): boolean {
    if (this.cut) return false;
    if (this.reasons.size === 0 || ++this.arrivedHeld <= this.maxHeldEvents) return true;
    this.cut = true;
    this.onCut(this.arrivedHeld);
    cutConnection(this.conn);
    return false;
  }

  hold(reason: string): void {
    this.reasons.add(reason);
    this.apply();
  }

  release(reason: string): void {
    this.reasons.delete(reason);
    this.apply();
  }

  private refusals = 0;
  private lastRefusal = 0;

  /**
   * One event refused by a rate limit whose window ends in `ms`. A client that goes on sending after
   * `REFUSALS_BEFORE_HOLD` refusals (it ignores RATE_LIMITED) is not read until the window ends.
   */
  refused(ms: number): void {
    const now = Date.now();
    if (now - this.lastRefusal > 10_000) this.refusals = 0;
    this.lastRefusal = now;
    if (++this.refusals < REFUSALS_BEFORE_HOLD) return;
    this.refusals = 0;
    this.holdFor(ms);
  }

  /** Holds input for `ms` (a rate limit's remaining window, at most 10 s). */
  holdFor(ms: number): void {
    clearTimeout(this.timer);
    this.hold('rate');
    this.timer = setTimeout(() => this.release('rate'), Math.min(ms, 10_000));
    this.timer.unref();
  }

  private apply(): void {
    if (this.reasons.size === 0) this.arrivedHeld = 0;
    const ws = webSocketOf(this.conn);
    if (!ws?.pause || !ws.resume) return;
    if (this.reasons.size > 0) ws.pause();
    else ws.resume();
  }
}
