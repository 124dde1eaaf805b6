import { describe, expect, it } from 'vitest';
import { ConversationEngine } from '../../src/sdk/engine/conversation-engine.js';
import { plainCodec } from '../../src/sdk/engine/codec.js';
import { FakeServer, openEngine } from '../support/fake-transport.js';

/** An engine on a fake server whose own messages come back live only when the test pushes them. */
async function setup() {
  const server = new FakeServer('alice');
  server.echoBeforeAnswer = false;
  server.conversation('c');
  return { server, engine: await openEngine(server) };
}

const shown = (engine: ConversationEngine) => engine.getState().windows.c?.messages.map((m) => [m.text, m.status, m.localId]);

describe('conversation engine: the send status a UI renders', () => {
  it('a failed send whose attempt was stored after all is confirmed by its live echo: sent, once, nothing to retry', async () => {
    const { server, engine } = await setup();
    server.refuseAnswers = 'FORBIDDEN';
    const { localId, stored } = engine.send('c', 'stored anyway');
    await expect(stored).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(shown(engine)).toEqual([['stored anyway', 'failed', localId]]);
    expect(engine.getState().windows.c?.messages[0]?.errorCode).toBe('FORBIDDEN');

    server.onLive?.(server.convs.get('c')?.log[0] as never);
    await engine.settle('c');
    expect(shown(engine)).toEqual([['stored anyway', 'sent', localId]]);
    expect(engine.getState().conversations.c?.preview?.status).toBe('sent');
    expect(engine.retry(localId)).toBeUndefined();
    expect(server.convs.get('c')?.log).toHaveLength(1);
  });

  it('a failed send Retried is the same message object: its local id stays from echo to stored, and the error goes', async () => {
    const { server, engine } = await setup();
    server.refuseSends = 'RATE_LIMITED';
    const { localId, stored } = engine.send('c', 'again');
    await expect(stored).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    server.refuseSends = undefined;
    const again = engine.retry(localId);
    const pending = engine.getState().windows.c?.messages[0];
    expect([pending?.status, pending?.error, pending?.errorCode]).toEqual(['pending', undefined, undefined]);
    await again;
    expect(shown(engine)).toEqual([['again', 'sent', localId]]);
    expect(new Set(server.sends().map((s) => s.clientKey))).toEqual(new Set([localId]));
  });

  it('a send under a key the caller kept (an offline outbox across a reload) is stored once, whichever engine sends it', async () => {
    const { server, engine } = await setup();
    const key = '0193b6a2-7c1e-4f00-9a55-6f1f2a3b4c5d';
    const first = engine.send('c', { text: 'written offline', localId: key });
    expect(first.localId).toBe(key);
    await first.stored;
    // The page reloaded before it forgot the outbox item: a new engine sends it again under the same key.
    const again = new ConversationEngine({ transport: server, me: () => 'alice', codec: () => Promise.resolve(plainCodec) });
    await again.resync();
    await again.open('c');
    await again.send('c', { text: 'written offline', localId: key }).stored;
    expect(server.sends().map((s) => s.clientKey)).toEqual([key, key]);
    expect(server.convs.get('c')?.log).toHaveLength(1);
  });

  it('Discard drops a failed send from the window and the preview', async () => {
    const { server, engine } = await setup();
    server.store('c', 'bob', 'hello', true);
    await engine.settle('c');
    server.refuseSends = 'RATE_LIMITED';
    const { localId, stored } = engine.send('c', 'never mind');
    await expect(stored).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(engine.getState().conversations.c?.preview?.status).toBe('failed');
    engine.discard(localId);
    expect(shown(engine)).toEqual([['hello', 'sent', undefined]]);
    expect(engine.getState().conversations.c?.preview).toBeUndefined();
    expect(server.sends()).toHaveLength(1);
  });
});
