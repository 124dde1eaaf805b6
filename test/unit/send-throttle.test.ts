import { describe, expect, it } from 'vitest';
import { MAX_THROTTLE_WAITS, throttleWait } from '../../src/sdk/engine/sending.js';
import { ParleyError } from '../../src/sdk/errors.js';
import { FakeServer, openEngine } from '../support/fake-transport.js';

async function setup() {
  const server = new FakeServer('alice');
  server.conversation('c');
  return { server, engine: await openEngine(server) };
}

const limited = (seconds?: number) => new ParleyError('RATE_LIMITED', 'Too many messages.', undefined, seconds);

describe('a send refused as too fast', () => {
  it('waits what the server names, with up to a quarter more so refused senders spread out', () => {
    expect(throttleWait(limited(2), 0, () => 0)).toBe(2000);
    expect(throttleWait(limited(2), 0, () => 0.999)).toBeLessThanOrEqual(2500);
    expect(throttleWait(limited(0), 0, () => 0)).toBe(100);
  });

  it('gives up on a long wait, a wait not named, another refusal, or after the last try', () => {
    expect(throttleWait(limited(31), 0)).toBeUndefined();
    expect(throttleWait(limited(), 0)).toBeUndefined();
    expect(throttleWait(new ParleyError('FORBIDDEN', 'No.'), 0)).toBeUndefined();
    expect(throttleWait(limited(1), MAX_THROTTLE_WAITS)).toBeUndefined();
  });

  it('is stored once after the waits, under the one key of every attempt, and shown sent', async () => {
    const { server, engine } = await setup();
    server.throttleSends = 3;
    const { localId, stored } = engine.send('c', 'patient');
    await stored;
    await engine.settle('c');
    expect(server.sends().map((s) => s.clientKey)).toEqual([localId, localId, localId, localId]);
    expect(server.convs.get('c')?.log.map((m) => m.id)).toHaveLength(1);
    expect(engine.getState().windows.c?.messages.map((m) => [m.text, m.status])).toEqual([['patient', 'sent']]);
  });

  it('fails after the last try, with the refusal the user can act on', async () => {
    const { server, engine } = await setup();
    server.throttleSends = MAX_THROTTLE_WAITS + 5;
    const { stored } = engine.send('c', 'too fast');
    await expect(stored).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(server.sends()).toHaveLength(MAX_THROTTLE_WAITS + 1);
    expect(engine.getState().windows.c?.messages[0]?.status).toBe('failed');
  });
});
