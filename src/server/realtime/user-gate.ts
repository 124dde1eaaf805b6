import { setTimeout as sleep } from 'node:timers/promises';
import { pageBytes, type PageBudget } from './page-budget.js';

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

/**
 * The events that read pages of bodies (bounded by PAGE_MAX_KIB each, but a flood of them is the costliest read): they
 * take a page-read slot, and wait for their user's page budget (`page-budget.ts`) when one is given.
 */
export const PAGE_READ_EVENTS: ReadonlySet<string> = new Set(['messages:history', 'messages:after', 'vault:list']);

class Slots {
  running = 0;
  /** Made when someone first waits: most users never do. */
  private queue: (() => void)[] | undefined;

  constructor(private readonly max: number) {}

  /** Takes a slot if one is free and nobody waits for one. */
  tryTake(): boolean {
    if (this.running >= this.max || this.waiting > 0) return false;
    this.running++;
    return true;
  }

  take(): Promise<void> | undefined {
    if (this.tryTake()) return undefined;
    return new Promise<void>((resolve) => (this.queue ??= []).push(resolve));
  }

  give(): void {
    const next = this.queue?.shift();
    // The slot passes to the next waiter (`running` stays the same) in the next turn of the event loop, never in this
    // one: a user's queued requests so start at most `max` a turn, and other users' sockets are read in between. Handed
    // over at once (a microtask), a burst of one user's cheap requests ran back to back in a single turn and stalled
    // every other connection for as long as it lasted (docs/PERFORMANCE.md, the event flood).
    if (next) setImmediate(next);
    else this.running--;
  }

  get waiting(): number {
    return this.queue?.length ?? 0;
  }

  get idle(): boolean {
    return this.running === 0 && this.waiting === 0;
  }
}

class UserSlots {
  readonly requests: Slots;
  readonly pageReads: Slots;
  /** Frees the request slot of a task that took one at once (one callback per active user, not one per request). */
  readonly done: () => void;

  constructor(gate: UserGate, userId: string, limits: UserGateLimits) {
    this.requests = new Slots(limits.requests);
    this.pageReads = new Slots(limits.pageReads);
    this.done = () => {
      this.requests.give();
      gate.forgetIfIdle(userId, this);
    };
  }

  get idle(): boolean {
    return this.requests.idle && this.pageReads.idle;
  }
}

export class UserGate {
  private readonly users = new Map<string, UserSlots>();

  constructor(
    private readonly limits: UserGateLimits,
    private readonly budget?: PageBudget,
  ) {}

  /**
   * Runs `task` when the user has a free slot (and a free page-read slot for a page read); frees them after. A request
   * that finds a slot free (the common case) runs at once, with no promise or turn of its own.
   */
  run<T>(userId: string, event: string, task: () => Promise<T>): Promise<T> {
    const slots = this.slotsOf(userId);
    const page = PAGE_READ_EVENTS.has(event);
    if (page || !slots.requests.tryTake()) return this.runQueued(userId, slots, page, task);
    let result: Promise<T>;
    try {
      result = task();
    } catch (err) {
      slots.done();
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    // Freed before the caller's own continuation runs (this callback is attached first), as a `finally` would.
    result.then(slots.done, slots.done);
    return result;
  }

  /** Requests of this user running and waiting, for tests and logs. */
  load(userId: string): { running: number; waiting: number } {
    const slots = this.users.get(userId);
    if (!slots) return { running: 0, waiting: 0 };
    return { running: slots.requests.running, waiting: slots.requests.waiting + slots.pageReads.waiting };
  }

  /** Nothing is kept for a user with nothing running or waiting. */
  forgetIfIdle(userId: string, slots: UserSlots): void {
    if (slots.idle && this.users.get(userId) === slots) this.users.delete(userId);
  }

  private async runQueued<T>(userId: string, slots: UserSlots, page: boolean, task: () => Promise<T>): Promise<T> {
    // Page reads first take a page slot (and wait out their user's page budget), then a request slot: a waiting page
    // read never holds a request slot.
    if (page) await slots.pageReads.take();
    try {
      const wait = page ? (this.budget?.waitMs(userId, Date.now()) ?? 0) : 0;
      if (wait > 0) await sleep(wait);
      await slots.requests.take();
      try {
        const result = await task();
        if (page) this.budget?.spend(userId, pageBytes(result), Date.now());
        return result;
      } finally {
        slots.requests.give();
      }
    } finally {
      if (page) slots.pageReads.give();
      this.forgetIfIdle(userId, slots);
    }
  }

  private slotsOf(userId: string): UserSlots {
    let slots = this.users.get(userId);
    if (!slots) {
      slots = new UserSlots(this, userId, this.limits);
      this.users.set(userId, slots);
    }
    return slots;
  }
}
