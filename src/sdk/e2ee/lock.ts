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

export class NamedLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(private readonly prefix: string) {}

  run<T>(name: string, task: () => Promise<T>): Promise<T> {
    const full = `${this.prefix}:${name}`;
    const prev = this.tails.get(full) ?? Promise.resolve();
    const locks = webLocks();
    const exec = locks ? () => locks.request(full, task) : task;
    const run = prev.then(exec, exec);
    const tail = run.catch(() => undefined);
    this.tails.set(full, tail);
    void tail.then(() => {
      if (this.tails.get(full) === tail) this.tails.delete(full);
    });
    return run;
  }
}
