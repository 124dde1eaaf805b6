import { MAX_BODY_BYTES, type MessageDto } from '../../protocol/messages.js';
import { ParleyError, errorCode, isConnectionError } from '../errors.js';
import type { SendPayload } from '../message-stream.js';
import type { Transport } from './transport.js';

export interface SendOptions {
  /** Told of the body each attempt puts on the wire (to recognise the server's echo of it). */
  onAttempt?: (payload: SendPayload) => void;
}

/** A number in [0, 1) for spreading waits (not secret; the house rule keeps one random source). */
const unitRandom = (): number => (crypto.getRandomValues(new Uint32Array(1))[0] ?? 0) / 2 ** 32;

/** A send refused as too fast is tried again after the wait the server names, this many times at most. */
export const MAX_THROTTLE_WAITS = 8;
/** A wait longer than this is not waited out: the refusal reaches the caller, who can show it. */
export const MAX_THROTTLE_WAIT_SECONDS = 30;

/**
 * The wait before a send refused with RATE_LIMITED goes again, in milliseconds, or undefined to give up: the server's
 * `retryAfterSeconds` plus up to a quarter more, so senders refused together do not all come back in the same instant.
 * A refusal that names no wait, or a long one, reaches the caller at once.
 */
export function throttleWait(err: unknown, waits: number, random: () => number = unitRandom): number | undefined {
  if (!(err instanceof ParleyError) || err.code !== 'RATE_LIMITED' || waits >= MAX_THROTTLE_WAITS) return undefined;
  const seconds = err.retryAfterSeconds;
  if (seconds === undefined || seconds > MAX_THROTTLE_WAIT_SECONDS) return undefined;
  const ms = Math.max(seconds, 0.1) * 1000;
  return Math.round(ms * (1 + random() / 4));
}

/**
 * Requests that survive a dropped connection: a send keeps one idempotency key for every attempt (the server stores a
 * key's message at most once), retried after a network failure or once the connection is back, and after the wait
 * the server names when it refused the send as too fast (`throttleWait`). STALE_EPOCH rejects: the end-to-end layer
 * encrypts anew and sends again under the same key (`E2ee.send`).
 */
export class Sending {
  private readyWaiters: (() => void)[] = [];

  constructor(private readonly transport: Transport) {}

  /** The connection is back and caught up: what waited for it goes on. */
  ready(): void {
    for (const w of this.readyWaiters.splice(0)) w();
  }

  async send(conversationId: string, clientKey: string, payload: SendPayload, options: SendOptions = {}): Promise<MessageDto> {
    if (payload.body.byteLength > MAX_BODY_BYTES) {
      throw new ParleyError('PAYLOAD_TOO_LARGE', `A message holds at most ${MAX_BODY_BYTES} bytes; this one has ${payload.body.byteLength}.`);
    }
    let serverFailures = 0;
    let throttled = 0;
    for (;;) {
      try {
        options.onAttempt?.(payload);
        const { message } = await this.transport.request('messages:send', { conversationId, clientKey, ...payload });
        return message;
      } catch (err) {
        const wait = throttleWait(err, throttled);
        if (wait !== undefined && this.transport.active) {
          throttled++;
          await new Promise((r) => setTimeout(r, wait));
          continue;
        }
        const serverFailure = errorCode(err) === 'INTERNAL';
        if (!(isConnectionError(err) || serverFailure) || (serverFailure && ++serverFailures > 20)) throw err;
        await this.pause(err);
      }
    }
  }

  /** Runs `task`, again after a network failure once the connection is back (for steps safe to repeat). */
  async retrying<T>(task: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await task();
      } catch (err) {
        if (!isConnectionError(err) || attempt > 40) throw err;
        await this.pause(err);
      }
    }
  }

  /** Timed out on a live connection: try again shortly; disconnected: wait until the connection is back. */
  private async pause(err: unknown): Promise<void> {
    if (!this.transport.active) throw err;
    if (this.transport.connected) await new Promise((r) => setTimeout(r, 250));
    else await new Promise<void>((resolve) => this.readyWaiters.push(resolve));
  }

  /** Drops pending waits when the client closes. */
  close(): void {
    this.ready();
  }
}
