import { describe, expect, it } from 'vitest';
import { hashAuthKey, hashSlots, useInsecureTestServerHash, verifyAuthKey } from '../../src/server/security/password-hash.js';

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

  it('uses the production argon2id unless a test server asks for the cheap one, and verifies either', async () => {
    const key = Buffer.alloc(32, 7).toString('base64url');
    const production = await hashAuthKey(key);
    expect(production).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    useInsecureTestServerHash(true);
    try {
      const cheap = await hashAuthKey(key);
      expect(cheap).toMatch(/^\$argon2id\$v=19\$m=256,t=1,p=1\$/);
      expect(await verifyAuthKey(cheap, key)).toBe(true);
      expect(await verifyAuthKey(production, key)).toBe(true);
    } finally {
      useInsecureTestServerHash(false);
    }
    expect(await hashAuthKey(key)).toMatch(/m=19456,t=2/);
  });
});
