/** With Redis: a server closed while the adapter's SUBSCRIBE is still pending leaves no unhandled rejection. */
import { describe, expect, it } from 'vitest';
import { testEnv } from '../support/env.js';
import { startTestServer } from '../support/server.js';

describe.skipIf(!testEnv.redisUrl)('the Redis adapter on a server that closes at once', () => {
  it('five servers started and closed at once: no unhandled rejection', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      for (let i = 0; i < 5; i++) {
        const t = await startTestServer({ redis: true });
        await t.close();
        // The adapter disconnects its subscriber after the close; the rejection, if any, is reported a turn later.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      process.off('unhandledRejection', onRejection);
    }
    expect(rejections.map(String)).toEqual([]);
  });
});
