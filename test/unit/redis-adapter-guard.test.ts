/** The Redis adapter's subscriber: a SUBSCRIBE that fails is logged, never an unhandled rejection. */
import pino from 'pino';
import { DisconnectsClientError } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { guardSubscriptions } from '../../src/server/realtime/redis-adapter.js';

describe('guardSubscriptions', () => {
  const unhandled: unknown[] = [];
  const onRejection = (reason: unknown) => unhandled.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', onRejection);
    unhandled.length = 0;
  });

  /** A client whose subscribe rejects with `err`, called as the adapter does: its promise ignored. */
  async function ignoredSubscribe(err: Error) {
    const lines: { level: number; msg: string }[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) });
    const client = { subscribe: (channels: string[]) => Promise.reject(Object.assign(err, { channels })) };
    process.on('unhandledRejection', onRejection);
    void guardSubscriptions(client, log).subscribe(['socket.io#/#']);
    // Unhandled rejections are reported once the microtasks have run: the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    return lines;
  }

  it('logs a failed subscribe as a warning, and nothing is left unhandled', async () => {
    const lines = await ignoredSubscribe(new Error('Socket closed unexpectedly'));
    expect(unhandled).toEqual([]);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[40, 'redis adapter subscribe failed']]);
  });

  it('a subscribe cancelled by our own shutdown is logged at debug level only', async () => {
    const lines = await ignoredSubscribe(new DisconnectsClientError());
    expect(unhandled).toEqual([]);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[20, 'redis adapter subscribe cancelled by shutdown']]);
  });
});
