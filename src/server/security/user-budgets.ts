import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { RedisClientType } from 'redis';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { LocalBudget, SharedBudget, type UserBudget } from './event-limits.js';

/**
 * Budgets of a user over all their connections, on top of the per-connection ones: without them a user multiplies
 * every per-connection limit by the number of sockets they open.
 */
export interface UserBudgets {
  /** Any socket event, counted per user (shared through Redis when REDIS_URL is set, else in this process's memory). */
  eventsPerUser: UserBudget;
  /** `messages:send`, counted per user. */
  messagesPerUser: UserBudget;
  /** Open sockets of this process, per session and per user. */
  sockets: SocketCounter;
}

export function createUserBudgets(config: Config, redis: RedisClientType | undefined): UserBudgets {
  const make = (keyPrefix: string, points: number): UserBudget => {
    const opts = { keyPrefix, points, duration: 10 };
    return redis
      ? new SharedBudget(
          new RateLimiterRedis({
            ...opts,
            storeClient: redis,
            useRedisPackage: true,
            // A user over budget is refused from this process's memory until the window ends: a flood costs Redis nothing.
            inMemoryBlockOnConsumed: points,
            insuranceLimiter: new RateLimiterMemory(opts),
          }),
        )
      : new LocalBudget(keyPrefix, points, opts.duration);
  };
  return {
    eventsPerUser: make('rl:evt:user', config.limits.eventsPerUserPer10s),
    messagesPerUser: make('rl:msg:user', config.limits.messagesPerUserPer10s),
    sockets: new SocketCounter(config.limits.socketsPerSession, config.limits.socketsPerUser),
  };
}

/**
 * Sockets open per session and per user in this process. `reserve` refuses a new socket beyond either cap with
 * TOO_MANY_CONNECTIONS (the sockets already open are kept: a user's working tabs are not cut by a new one); the
 * returned release function is idempotent.
 */
export class SocketCounter {
  private readonly perSession = new Map<string, number>();
  private readonly perUser = new Map<string, number>();

  constructor(
    private readonly maxPerSession: number,
    private readonly maxPerUser: number,
  ) {}

  reserve(userId: string, sessionId: string): () => void {
    const session = this.perSession.get(sessionId) ?? 0;
    const user = this.perUser.get(userId) ?? 0;
    if (session >= this.maxPerSession) {
      throw new AppError('TOO_MANY_CONNECTIONS', `This session already has ${this.maxPerSession} connections open; close one first.`);
    }
    if (user >= this.maxPerUser) {
      throw new AppError('TOO_MANY_CONNECTIONS', `Your account already has ${this.maxPerUser} connections open; close one first.`);
    }
    this.perSession.set(sessionId, session + 1);
    this.perUser.set(userId, user + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      decrement(this.perSession, sessionId);
      decrement(this.perUser, userId);
    };
  }

  count(userId: string): number {
    return this.perUser.get(userId) ?? 0;
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 1) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
