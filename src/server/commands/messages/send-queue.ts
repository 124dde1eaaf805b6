import type { MessageDto } from '../../../protocol/messages.js';
import { systemClock, type Clock } from '../../clock.js';
import type { Logger } from 'pino';
import type { Db } from '../../db/connect.js';
import type { EventPublisher } from '../../events/domain-events.js';
import { observeBatch } from '../../observability/metrics.js';
import { findReplay, SendRefused, storeBatch } from './store-batch.js';
import type { PendingSend, SendBatches, SendOutcome } from './send-types.js';

/** A send in the queue and the promise its sender awaits (the event adapter acknowledges when it settles). */
export interface Waiting {
  send: PendingSend;
  resolve: (message: MessageDto) => void;
  reject: (err: unknown) => void;
}

/** The most sends one transaction stores. */
export const MAX_BATCH = 256;

/**
 * Group commit of sends. A durable commit costs an fsync (SQLite synchronous=FULL) or a WAL flush (PostgreSQL), and
 * it costs the same for one message as for a hundred: so the sends that arrive while a transaction is being written
 * wait for it to end and are then stored together, up to MAX_BATCH in one transaction (storeBatch). Each send's
 * promise settles only after its batch committed: an acknowledgement still means durably stored. Durability is not
 * weakened; a send waits at most for the batch in progress.
 *
 * A failure stays with its own send. An MLS intent that no longer holds (STALE_EPOCH, a commit that lost its epoch) rolls
 * the batch back, that send alone is refused, and the others are stored again without it. Any other failure (the
 * unique index lost to another instance's concurrent retry, a lost connection) rolls the batch back and every send is
 * stored alone in its own transaction, as if there were no batching; a send that fails alone is answered with the
 * message stored under its key if there is one (a retry that lost a race), else with its error.
 *
 * One queue per process. On SQLite one batch is in flight at a time (the one connection runs one transaction at a
 * time anyway). On PostgreSQL a few batches may be in flight (`maxInFlight`), each on its own pool connection: a
 * batch there spends most of its time in round trips, and while all are busy the next batch grows. Concurrent batches
 * take the conversations' counter rows in the same order (store-batch.ts), so they wait for each other rather than
 * deadlock; the rest of the pool stays free for reads and other commands.
 */
export class SendQueue implements SendBatches {
  /**
   * Counters: transactions that committed a batch and the sends they answered; sends refused inside a batch; batches
   * that were stored send by send.
   */
  readonly stats = { batches: 0, sends: 0, refused: 0, splits: 0 };
  private queue: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly events: EventPublisher,
    private readonly log: Logger,
    private readonly maxInFlight = 1,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Stores the send with the next batch; resolves with its message once that batch committed. */
  submit(send: PendingSend): Promise<MessageDto> {
    return new Promise<MessageDto>((resolve, reject) => {
      this.queue.push({ send, resolve, reject });
      this.pump();
    });
  }

  /** Resolves once every submitted send has its answer (for shutdown, before the database closes). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // Wait one turn of the event loop: every send whose checks can finish now (on SQLite their reads waited for the
    // connection while the last batch was written) joins this batch rather than the next.
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        this.inFlight++;
        this.store(batch)
          .catch((err: unknown) => {
            this.log.error({ err }, 'a batch of sends failed');
            for (const waiting of batch) waiting.reject(err);
          })
          .finally(() => {
            this.inFlight--;
            if (this.queue.length === 0 && this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
            this.pump();
          });
      }
    });
  }

  private async store(batch: Waiting[]): Promise<void> {
    const rest = [...batch];
    while (rest.length > 0) {
      try {
        const outcomes = await this.db.transaction().execute((trx) => storeBatch(trx, rest.map((w) => w.send), this.clock.now()));
        this.stats.batches++;
        this.stats.sends += rest.length;
        observeBatch(rest.length);
        this.settle(rest, outcomes);
        return;
      } catch (err) {
        if (err instanceof SendRefused) {
          this.stats.refused++;
          const [refused] = rest.splice(err.index, 1);
          if (refused) await this.answerAlone(refused, err.reason);
        } else if (rest.length === 1 && rest[0]) {
          await this.answerAlone(rest[0], err);
          return;
        } else {
          this.stats.splits++;
          for (const waiting of rest) await this.store([waiting]);
          return;
        }
      }
    }
  }

  /** After commit: the fan-out stage first, then the acknowledge stage (send-pipeline.ts). */
  private settle(batch: Waiting[], outcomes: SendOutcome[]): void {
    fanOut(this.events, this.log, outcomes);
    acknowledge(batch, outcomes);
  }

  /** A send that failed: if its key was stored meanwhile (a concurrent retry won), that message is its answer. */
  private async answerAlone(waiting: Waiting, err: unknown): Promise<void> {
    const { sender_id: senderId, client_key: clientKey, conversation_id: conversationId } = waiting.send.row;
    try {
      const replay = await findReplay(this.db, senderId, clientKey, conversationId);
      if (replay) waiting.resolve(replay);
      else waiting.reject(err);
    } catch (lookupErr) {
      waiting.reject(lookupErr);
    }
  }
}

/**
 * The fan-out stage, after commit: every stored send's events (its message, and the Welcomes of a commit) published to
 * the members' rooms. A failure is logged and the rest go on: the message is stored, and the members catch up from
 * the log.
 */
export function fanOut(events: EventPublisher, log: Logger, outcomes: SendOutcome[]): void {
  for (const outcome of outcomes) {
    if (!('message' in outcome)) continue;
    for (const event of outcome.events) {
      try {
        events.publish(event);
      } catch (err) {
        // Stored all the same: the members catch up from the log; the sender must still get its answer.
        log.error({ err, event: event.type }, 'fan-out after a batch of sends failed');
      }
    }
  }
}

/** The acknowledge stage: each send's promise settles with its outcome (the event adapter then answers the sender). */
export function acknowledge(batch: Waiting[], outcomes: SendOutcome[]): void {
  batch.forEach((waiting, i) => {
    const outcome = outcomes[i];
    if (!outcome) waiting.reject(new Error('SendQueue: a send has no outcome'));
    else if ('message' in outcome) waiting.resolve(outcome.message);
    else waiting.reject(outcome.error);
  });
}
