import { describe, expect, it } from 'vitest';
import { UserGate } from '../../src/server/realtime/user-gate.js';

/** A task that runs until its `finish` is called; records the gate's concurrency while it runs. */
function controlled() {
  const tasks: { started: boolean; finish: () => void }[] = [];
  let running = 0;
  let peak = 0;
  const make = () => {
    const task = { started: false, finish: () => undefined as void };
    tasks.push(task);
    return () =>
      new Promise<void>((resolve) => {
        task.started = true;
        running++;
        peak = Math.max(peak, running);
        task.finish = () => {
          running--;
          resolve();
        };
      });
  };
  return { tasks, make, peak: () => peak };
}

// A freed slot is handed on in the next turn (setImmediate): wait a few turns for it.
const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
};

describe('UserGate: per-user fairness', () => {
  it('runs at most `requests` of one user at once, the rest in order as slots free', async () => {
    const gate = new UserGate({ requests: 2, pageReads: 1 });
    const c = controlled();
    const done = Array.from({ length: 5 }, () => gate.run('mallory', 'whoami', c.make()));
    await settle();
    expect(c.tasks.map((t) => t.started)).toEqual([true, true, false, false, false]);
    expect(gate.load('mallory')).toEqual({ running: 2, waiting: 3 });
    c.tasks[1]?.finish();
    await settle();
    expect(c.tasks.map((t) => t.started)).toEqual([true, true, true, false, false]);
    for (let i = 0; i < 5; i++) {
      c.tasks[i]?.finish();
      await settle();
    }
    await Promise.all(done);
    expect(c.peak()).toBe(2);
    // Nothing is kept for a user with nothing running.
    expect(gate.load('mallory')).toEqual({ running: 0, waiting: 0 });
  });

  it('runs at most `pageReads` page reads of one user at once; a waiting page read holds no request slot', async () => {
    const gate = new UserGate({ requests: 2, pageReads: 1 });
    const pages = controlled();
    const other = controlled();
    const first = gate.run('mallory', 'messages:history', pages.make());
    const second = gate.run('mallory', 'messages:after', pages.make());
    const whoami = gate.run('mallory', 'whoami', other.make());
    await settle();
    expect(pages.tasks.map((t) => t.started)).toEqual([true, false]);
    // The second page read waits for the page slot, so the other request still gets the second request slot.
    expect(other.tasks[0]?.started).toBe(true);
    pages.tasks[0]?.finish();
    await settle();
    expect(pages.tasks[1]?.started).toBe(true);
    pages.tasks[1]?.finish();
    other.tasks[0]?.finish();
    await Promise.all([first, second, whoami]);
    expect(pages.peak()).toBe(1);
  });

  it('never makes another user wait for a busy one', async () => {
    const gate = new UserGate({ requests: 1, pageReads: 1 });
    const busy = controlled();
    const hog = Array.from({ length: 10 }, () => gate.run('mallory', 'messages:history', busy.make()));
    const bob = controlled();
    const bobs = gate.run('bob', 'messages:history', bob.make());
    await settle();
    expect(bob.tasks[0]?.started).toBe(true);
    bob.tasks[0]?.finish();
    await bobs;
    for (let i = 0; i < 10; i++) {
      busy.tasks[i]?.finish();
      await settle();
    }
    await Promise.all(hog);
  });

  it('frees the slot of a task that fails, and passes the failure on', async () => {
    const gate = new UserGate({ requests: 1, pageReads: 1 });
    await expect(gate.run('mallory', 'messages:history', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(gate.load('mallory')).toEqual({ running: 0, waiting: 0 });
    await expect(gate.run('mallory', 'messages:history', () => Promise.resolve(7))).resolves.toBe(7);
  });
});

describe('UserGate: the request that finds a free slot', () => {
  it('runs at once (no turn of its own) and frees its slot before its caller goes on', async () => {
    const gate = new UserGate({ requests: 1, pageReads: 1 });
    let started = false;
    const done = gate.run('bob', 'whoami', () => {
      started = true;
      return Promise.resolve('ok');
    });
    expect(started).toBe(true);
    expect(gate.load('bob')).toEqual({ running: 1, waiting: 0 });
    await expect(done).resolves.toBe('ok');
    expect(gate.load('bob')).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot of a task that throws before it returns a promise', async () => {
    const gate = new UserGate({ requests: 1, pageReads: 1 });
    await expect(gate.run('bob', 'whoami', () => {
      throw new Error('at once');
    })).rejects.toThrow('at once');
    expect(gate.load('bob')).toEqual({ running: 0, waiting: 0 });
    await expect(gate.run('bob', 'whoami', () => Promise.resolve(1))).resolves.toBe(1);
  });
});
