/**
 * The bytes of pages (history, catch-up, vault records) one user may be sent per second, over all their connections
 * to this process: a token bucket of `burstBytes`, refilled at `bytesPerSecond`. A page read waits while its user is
 * in debt (it is never refused: a client that reads its answers only loads more slowly), and its answer's bytes are
 * taken after it is read, so the bucket may go below zero by one page.
 *
 * Why: a client that stops reading its socket is cut only once its unsent output passes `SOCKET_OUTPUT_MAX_KIB`, and
 * before that the kernel's socket buffers take several MiB of pages without a word; every page costs the server a
 * database read and its writes. With 16 such sockets one user made the server read and send ~120 MiB of pages in the
 * first second of an attack, and other users' messages waited behind them (docs/PERFORMANCE.md, "Abuse resistance").
 * The budget bounds what one user's page reads cost per second, whatever the number of their sockets.
 */
export interface PageBudgetLimits {
  bytesPerSecond: number;
  burstBytes: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class PageBudget {
  private readonly users = new Map<string, Bucket>();
  private nextSweep = 0;
  /** How long an unused bucket takes to fill from empty: after that it is the same as no bucket. */
  private readonly refillMs: number;

  constructor(private readonly limits: PageBudgetLimits) {
    this.refillMs = (limits.burstBytes / limits.bytesPerSecond) * 1000;
  }

  /** Milliseconds until the user may read a page (0: now). */
  waitMs(userId: string, now: number): number {
    const bucket = this.users.get(userId);
    if (!bucket) return 0;
    const tokens = this.refill(bucket, now);
    return tokens >= 0 ? 0 : Math.ceil((-tokens / this.limits.bytesPerSecond) * 1000);
  }

  /** Takes the bytes of a page the user was sent. */
  spend(userId: string, bytes: number, now: number): void {
    if (now >= this.nextSweep) this.sweep(now);
    let bucket = this.users.get(userId);
    if (!bucket) this.users.set(userId, (bucket = { tokens: this.limits.burstBytes, at: now }));
    bucket.tokens = this.refill(bucket, now) - bytes;
    bucket.at = now;
  }

  /** Users with a bucket that is not full (for tests). */
  get size(): number {
    return this.users.size;
  }

  private refill(bucket: Bucket, now: number): number {
    return Math.min(this.limits.burstBytes, bucket.tokens + ((now - bucket.at) / 1000) * this.limits.bytesPerSecond);
  }

  /** Forgets buckets that are full again (untouched for as long as filling takes), once per refill time. */
  private sweep(now: number): void {
    for (const [userId, bucket] of this.users) if (now - bucket.at >= this.refillMs) this.users.delete(userId);
    this.nextSweep = now + this.refillMs;
  }
}

/** What a page holds in bodies (messages or vault records), plus a small allowance per item for its other fields. */
export function pageBytes(answer: unknown): number {
  if (typeof answer !== 'object' || answer === null) return 0;
  const { messages, records } = answer as { messages?: unknown; records?: unknown };
  const items = Array.isArray(messages) ? messages : Array.isArray(records) ? records : [];
  let bytes = 0;
  for (const item of items as { body?: unknown }[]) {
    bytes += ITEM_OVERHEAD_BYTES;
    if (item.body instanceof Uint8Array) bytes += item.body.byteLength;
  }
  return bytes;
}

/** An item's fields besides its body (ids, sequence number, times, sender), about what they take on the wire. */
const ITEM_OVERHEAD_BYTES = 200;
