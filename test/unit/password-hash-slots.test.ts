import { describe, expect, it } from 'vitest';
import { hashAuthKey, hashSlots, verifyAuthKey } from '../../src/server/security/password-hash.js';

describe('server password hashing', () => {
  it('runs at most two hashes at once, so a burst of log-ins leaves libuv threads for the database', async () => {
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, hashSlots.activeCount)), 1);
    const keys = Array.from({ length: 8 }, (_, i) => Buffer.alloc(32, i).toString('base64url'));
    const hashes = await Promise.all(keys.map((k) => hashAuthKey(k)));
    clearInterval(watch);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2);
    expect(await Promise.all(keys.map((k, i) => verifyAuthKey(hashes[i] ?? '', k)))).toEqual(keys.map(() => true));
    expect(await verifyAuthKey(hashes[0] ?? '', keys[1] ?? '')).toBe(false);
    expect(hashSlots.activeCount + hashSlots.pendingCount).toBe(0);
  });
});
