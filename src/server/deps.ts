import type { Logger } from 'pino';
import type { BlobStore } from './blobs/store.js';
import type { Clock } from './clock.js';
import type { SendBatches } from './commands/messages/send-types.js';
import type { Config } from './config.js';
import type { Db } from './db/connect.js';
import type { EventPublisher } from './events/domain-events.js';
import type { PushNotifier } from './push/push-notifier.js';
import type { Presence } from './realtime/presence.js';
import type { RateLimiters } from './security/rate-limits.js';
import type { UserBudgets } from './security/user-budgets.js';

/** What commands need, built once at start. */
export interface Deps {
  config: Config;
  /** The server's clock (time-driven work: a message's expiry, the sweep); a ManualClock in tests. */
  clock: Clock;
  db: Db;
  log: Logger;
  limiters: RateLimiters;
  /** Budgets per user over all their connections: sockets, events, messages. */
  budgets: UserBudgets;
  preloginSecret: Buffer;
  events: EventPublisher;
  presence: Presence;
  /** The group commit of messages:send (one per process). */
  sends: SendBatches;
  /** Where encrypted files' bytes live (a directory, or PostgreSQL). */
  blobs: BlobStore;
  /** Web Push for new messages (VAPID key pair from the database); absent in a Deps built without it. */
  push?: PushNotifier;
}

/** Where a request came from, for rate limits and the sessions page. */
export interface RequestMeta {
  ip: string;
  userAgent: string | undefined;
}
