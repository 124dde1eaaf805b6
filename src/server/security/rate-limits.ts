import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClientType } from 'redis';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { observeRateLimited } from '../observability/metrics.js';

export interface RateLimiters {
  /** Consecutive failed logins per account (reset on success). */
  loginPerAccount: RateLimiterAbstract;
  /** Failed logins per client address. */
  loginPerAddress: RateLimiterAbstract;
  /** Sign-ups per client address. */
  signupPerAddress: RateLimiterAbstract;
}

type LimiterOptions = { keyPrefix: string; points: number; duration: number; blockDuration?: number };

/**
 * rate-limiter-flexible: memory store by default, Redis store (shared by every instance) when REDIS_URL is set. The
 * limits of socket events (per connection, per user) are in event-limits.ts and user-budgets.ts.
 */
export function createRateLimiters(config: Config, redis: RedisClientType | undefined): RateLimiters {
  const make = (opts: LimiterOptions): RateLimiterAbstract =>
    redis
      ? new RateLimiterRedis({
          ...opts,
          storeClient: redis,
          useRedisPackage: true,
          // While Redis is unreachable, count in memory on this instance instead of failing the request.
          insuranceLimiter: new RateLimiterMemory(opts),
        })
      : new RateLimiterMemory(opts);
  return {
    loginPerAccount: make({ keyPrefix: 'rl:login:acct', points: config.limits.loginFailuresPerAccount, duration: 15 * 60 }),
    loginPerAddress: make({ keyPrefix: 'rl:login:addr', points: config.limits.loginFailuresPerAddress, duration: 60 * 60 }),
    signupPerAddress: make({ keyPrefix: 'rl:signup:addr', points: config.limits.signupsPerAddressPerHour, duration: 60 * 60 }),
  };
}

export function rateLimited(msBeforeNext: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError('RATE_LIMITED', `Too many attempts. Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`, {
    retryAfterSeconds,
  });
}

/** Consumes one point; throws RATE_LIMITED when none is left. */
export async function consumeOrThrow(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (e) {
    if (e instanceof RateLimiterRes) observeRateLimited(limiter.keyPrefix);
    if (e instanceof RateLimiterRes) throw rateLimited(e.msBeforeNext);
    throw e;
  }
}
