/**
 * One holder at a time per name. In a browser with the Web Locks API, the lock is also held across tabs (so two tabs
 * of one device never process one group at once); elsewhere it is an in-process queue.
 */
interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

function webLocks(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks;
}

/** Tasks run one after the other per key, in the order they were queued (in this process). */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const run = prev.then(task, task);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }
}

export class NamedLocks {
  private readonly queue = new KeyedQueue();

  constructor(private readonly prefix: string) {}

  run<T>(name: string, task: () => Promise<T>): Promise<T> {
    const full = `${this.prefix}:${name}`;
    const locks = webLocks();
    return this.queue.run(full, locks ? () => locks.request(full, task) : task);
  }
}
