import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { observeRateLimited } from '../observability/metrics.js';
import { rateLimited } from './rate-limits.js';

/**
 * The rate limits a socket event passes (per connection, and per user over all their connections), checked in this
 * process's memory without a promise.
 *
 * The semantics are those of rate-limiter-flexible's in-memory store (`RateLimiterMemory`), which these replaced on the
 * socket's hot path: a key's window opens at its first point and lasts `duration`; every point in it counts, a
 * refused one too, and a point past `points` is refused until the window ends. That store answers with a promise and
 * makes a result object, a key string and, per window, a timer for each call: a message passes four limits, and on the
 * send path that cost more than the checks (docs/PERFORMANCE.md, "The send path made cheaper again"). What is shared
 * between instances (the per-user budgets with REDIS_URL) still goes through rate-limiter-flexible's Redis store.
 */
export class FixedWindow {
  private used = 0;
  private endsAt = 0;

  /** Counts one point at `now`: 0 when it is within `points`, else the milliseconds until the window ends. */
  take(points: number, durationMs: number, now: number): number {
    if (now >= this.endsAt) {
      this.used = 0;
      this.endsAt = now + durationMs;
    }
    return ++this.used > points ? this.endsAt - now : 0;
  }

  endedBy(now: number): boolean {
    return now >= this.endsAt;
  }
}

/** Throws RATE_LIMITED (and counts it under the limit's name) when `waitMs` says the point was refused. */
export function passOrThrow(waitMs: number, name: string): void {
  if (waitMs <= 0) return;
  observeRateLimited(name);
  throw rateLimited(waitMs);
}

/**
 * A budget per user: `take` counts one point of `key`'s budget. It answers at once (undefined) when the budget lives in
 * this process, or with a promise when it is shared through a store (Redis); either throws, or rejects with,
 * RATE_LIMITED when nothing is left.
 */
export interface UserBudget {
  readonly name: string;
  take(key: string, now: number): Promise<void> | undefined;
}

/** A per-key window limit in this process's memory: one FixedWindow per key, windows that ended swept once a window. */
export class LocalBudget implements UserBudget {
  private readonly windows = new Map<string, FixedWindow>();
  private readonly durationMs: number;
  private nextSweep = 0;

  constructor(
    readonly name: string,
    private readonly points: number,
    durationSeconds: number,
  ) {
    this.durationMs = durationSeconds * 1000;
  }

  take(key: string, now: number): undefined {
    if (now >= this.nextSweep) this.sweep(now);
    let window = this.windows.get(key);
    if (!window) this.windows.set(key, (window = new FixedWindow()));
    passOrThrow(window.take(this.points, this.durationMs, now), this.name);
    return undefined;
  }

  /** Keys with a window open (for tests). */
  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endedBy(now)) this.windows.delete(key);
    this.nextSweep = now + this.durationMs;
  }
}

/** A budget kept by a rate-limiter-flexible store shared by every instance (RateLimiterRedis). */
export class SharedBudget implements UserBudget {
  readonly name: string;

  constructor(private readonly limiter: RateLimiterAbstract) {
    this.name = limiter.keyPrefix;
  }

  take(key: string): Promise<void> {
    return this.limiter.consume(key).then(
      () => undefined,
      (e: unknown) => {
        if (!(e instanceof RateLimiterRes)) throw e;
        observeRateLimited(this.name);
        throw rateLimited(e.msBeforeNext);
      },
    );
  }
}
