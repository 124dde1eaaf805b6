import { describe, expect, it, vi } from 'vitest';
import { PageBudget, pageBytes } from '../../src/server/realtime/page-budget.js';
import { UserGate } from '../../src/server/realtime/user-gate.js';

const KIB = 1024;

describe('PageBudget: bytes of pages per user', () => {
  it('lets a user read a burst at once, then makes them wait for the bytes beyond it at the given rate', () => {
    const budget = new PageBudget({ bytesPerSecond: 100 * KIB, burstBytes: 200 * KIB });
    expect(budget.waitMs('mallory', 0)).toBe(0);
    budget.spend('mallory', 150 * KIB, 0);
    expect(budget.waitMs('mallory', 0)).toBe(0);
    // 100 KiB past the burst: one second at 100 KiB/s before the next page.
    budget.spend('mallory', 150 * KIB, 0);
    expect(budget.waitMs('mallory', 0)).toBe(1000);
    expect(budget.waitMs('mallory', 400)).toBe(600);
    expect(budget.waitMs('mallory', 1000)).toBe(0);
    // Another user has a budget of their own.
    expect(budget.waitMs('bob', 0)).toBe(0);
  });

  it('refills up to the burst only, and forgets users whose bucket is full again', () => {
    const budget = new PageBudget({ bytesPerSecond: 100 * KIB, burstBytes: 200 * KIB });
    budget.spend('mallory', 100 * KIB, 0);
    // A long pause does not save up more than the burst.
    budget.spend('mallory', 250 * KIB, 60_000);
    expect(budget.waitMs('mallory', 60_000)).toBe(500);
    expect(budget.size).toBe(1);
    budget.spend('bob', 1, 70_000);
    expect(budget.size).toBe(1);
  });

  it('counts the bodies of a page of messages or of vault records, plus a little per item', () => {
    const body = new Uint8Array(1000);
    expect(pageBytes({ messages: [{ body }, { body }], hasMore: false })).toBe(2400);
    expect(pageBytes({ records: [{ seq: 1, body }] })).toBe(1200);
    expect(pageBytes({ ok: true })).toBe(0);
    expect(pageBytes(undefined)).toBe(0);
  });
});

describe('UserGate with a page budget', () => {
  it('holds a user\'s page reads past their budget, never other requests or other users', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    try {
      const budget = new PageBudget({ bytesPerSecond: 100 * KIB, burstBytes: 100 * KIB });
      const gate = new UserGate({ requests: 4, pageReads: 2 }, budget);
      const page = () => Promise.resolve({ messages: [{ body: new Uint8Array(150 * KIB) }], hasMore: false });
      await gate.run('mallory', 'messages:history', page);
      // Mallory is 50 KiB (+ the allowance) in debt: her next page waits half a second, her whoami does not.
      let paged = false;
      const next = gate.run('mallory', 'messages:after', page).then(() => (paged = true));
      await expect(gate.run('mallory', 'whoami', () => Promise.resolve('me'))).resolves.toBe('me');
      await expect(gate.run('bob', 'messages:history', page)).resolves.toHaveProperty('messages');
      await vi.advanceTimersByTimeAsync(400);
      expect(paged).toBe(false);
      await vi.advanceTimersByTimeAsync(200);
      await next;
      expect(paged).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
