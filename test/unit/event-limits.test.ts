import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/server/errors.js';
import { FixedWindow, LocalBudget } from '../../src/server/security/event-limits.js';

const refusal = (f: () => unknown): AppError | undefined => {
  try {
    f();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  return undefined;
};

describe('event limits in memory (the semantics of rate-limiter-flexible\'s memory store)', () => {
  it('FixedWindow: a window opens at its first point; past `points` in it each point is refused until it ends', () => {
    const w = new FixedWindow();
    expect([1, 2, 3].map(() => w.take(3, 10_000, 1_000))).toEqual([0, 0, 0]);
    // The fourth point of the window that opened at 1,000 ms: refused, 6 s before it ends.
    expect(w.take(3, 10_000, 5_000)).toBe(6_000);
    // A refused point counts too: still refused later in the window.
    expect(w.take(3, 10_000, 10_999)).toBe(1);
    // The next window opens with the next point.
    expect(w.take(3, 10_000, 11_000)).toBe(0);
  });

  it('LocalBudget: one window per key, RATE_LIMITED with the wait in whole seconds, other keys untouched', () => {
    const budget = new LocalBudget('rl:evt:user', 2, 10);
    expect(budget.take('mallory', 0)).toBeUndefined();
    expect(budget.take('mallory', 100)).toBeUndefined();
    const refused = refusal(() => budget.take('mallory', 1_500));
    expect(refused?.code).toBe('RATE_LIMITED');
    expect(refused?.options.retryAfterSeconds).toBe(9);
    expect(refusal(() => budget.take('bob', 1_500))).toBeUndefined();
    expect(refusal(() => budget.take('mallory', 10_000))).toBeUndefined();
  });

  it('LocalBudget: keeps nothing for keys whose window ended (swept once a window)', () => {
    const budget = new LocalBudget('rl:msg:user', 5, 10);
    for (let i = 0; i < 100; i++) budget.take(`user-${i}`, 0);
    expect(budget.size).toBe(100);
    budget.take('later', 10_000);
    expect(budget.size).toBe(1);
  });
});
