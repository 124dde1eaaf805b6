/**
 * Per-user fairness inside one server process: at most `requests` requests of one user run at once over all their
 * connections, and of those at most `pageReads` read message pages (history and catch-up, the heavy reads). The rest
 * of that user's requests wait in order, each still holding its connection's in-flight slot, so the waiting is bounded
 * by the per-connection caps and, once a connection's queue is full, its input is paused.
 *
 * A user with many sockets so gets the same share of the database and the event loop as a user with one: other users'
 * requests never queue behind more than `requests` of theirs.
 */
export interface UserGateLimits {
  requests: number;
  pageReads: number;
}

/** The events that read message pages (bounded by PAGE_MAX_KIB each, but a flood of them is the costliest read). */
export const PAGE_READ_EVENTS: ReadonlySet<string> = new Set(['messages:history', 'messages:after']);

class Slots {
  running = 0;
  readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  take(): Promise<void> | undefined {
    if (this.running < this.max && this.waiting.length === 0) {
      this.running++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    // The slot passes to the next waiter (`running` stays the same) in the next turn of the event loop, never in this
    // one: a user's queued requests so start at most `max` a turn, and other users' sockets are read in between. Handed
    // over at once (a microtask), a burst of one user's cheap requests ran back to back in a single turn and stalled
    // every other connection for as long as it lasted (docs/PERFORMANCE.md, the event flood).
    if (next) setImmediate(next);
    else this.running--;
  }

  get idle(): boolean {
    return this.running === 0 && this.waiting.length === 0;
  }
}

interface UserSlots {
  requests: Slots;
  pageReads: Slots;
}

export class UserGate {
  private readonly users = new Map<string, UserSlots>();

  constructor(private readonly limits: UserGateLimits) {}

  /** Runs `task` when the user has a free slot (and a free page-read slot for a page read); frees them after. */
  async run<T>(userId: string, event: string, task: () => Promise<T>): Promise<T> {
    const slots = this.slotsOf(userId);
    const page = PAGE_READ_EVENTS.has(event);
    // Page reads first take a page slot, then a request slot: a waiting page read never holds a request slot.
    if (page) await slots.pageReads.take();
    try {
      await slots.requests.take();
      try {
        return await task();
      } finally {
        slots.requests.give();
      }
    } finally {
      if (page) slots.pageReads.give();
      if (slots.requests.idle && slots.pageReads.idle) this.users.delete(userId);
    }
  }

  /** Requests of this user running and waiting, for tests and logs. */
  load(userId: string): { running: number; waiting: number } {
    const slots = this.users.get(userId);
    if (!slots) return { running: 0, waiting: 0 };
    return { running: slots.requests.running, waiting: slots.requests.waiting.length + slots.pageReads.waiting.length };
  }

  private slotsOf(userId: string): UserSlots {
    let slots = this.users.get(userId);
    if (!slots) {
      slots = { requests: new Slots(this.limits.requests), pageReads: new Slots(this.limits.pageReads) };
      this.users.set(userId, slots);
    }
    return slots;
  }
}
