import { describe, expect, it } from 'vitest';
import { ConversationEngine } from '../../src/sdk/engine/conversation-engine.js';
import { plainCodec } from '../../src/sdk/engine/codec.js';
import type { Message } from '../../src/sdk/message-stream.js';
import { FakeServer } from '../support/fake-transport.js';

/** An engine on a fake server (no socket, no database), with its delivered messages recorded. */
async function setup(options: { echoBeforeAnswer?: boolean } = {}) {
  const server = new FakeServer('alice');
  server.echoBeforeAnswer = options.echoBeforeAnswer ?? true;
  server.conversation('c');
  const engine = new ConversationEngine({ transport: server, me: () => 'alice', codec: () => Promise.resolve(plainCodec) });
  const delivered: Message[] = [];
  engine.on('message', (m) => delivered.push(m));
  server.onLive = (dto) => engine.accept(dto);
  await engine.resync();
  return { server, engine, delivered };
}

const seqs = (ms: readonly { seq: number }[]) => ms.map((m) => m.seq);

describe('conversation engine: the ordered log', () => {
  it('delivers live entries in order, fetching a gap once, each exactly once', async () => {
    const { server, engine, delivered } = await setup();
    const m1 = server.store('c', 'bob', 'one');
    const m2 = server.store('c', 'bob', 'two');
    const m3 = server.store('c', 'bob', 'three');
    // 3 arrives first (1 and 2 were lost on the way): it waits behind the gap, which is fetched.
    engine.accept(m3);
    engine.accept(m3);
    await new Promise<void>((resolve) => engine.on('message', () => delivered.length === 3 && resolve()));
    expect(server.requests.filter((r) => r.event === 'messages:after')).toHaveLength(1);
    engine.accept(m1);
    engine.accept(m2);
    await engine.settle('c');
    expect(seqs(delivered)).toEqual([1, 2, 3]);
    expect(delivered.map((m) => m.text)).toEqual(['one', 'two', 'three']);
  });

  it('resumes after a reconnect from the last entry it delivered, and sets the baseline at the first sync', async () => {
    const server = new FakeServer('alice');
    server.conversation('c');
    server.store('c', 'bob', 'before the client existed');
    const engine = new ConversationEngine({ transport: server, me: () => 'alice', codec: () => Promise.resolve(plainCodec) });
    const delivered: Message[] = [];
    engine.on('message', (m) => delivered.push(m));
    await engine.resync();
    expect(delivered).toEqual([]);
    // Offline: two messages are stored meanwhile; the next ready fetches them.
    server.store('c', 'bob', 'missed 1');
    server.store('c', 'bob', 'missed 2');
    await engine.resync();
    await engine.settle('c');
    expect(delivered.map((m) => m.text)).toEqual(['missed 1', 'missed 2']);
    // A live copy of one of them after the catch-up is a duplicate.
    engine.accept(server.convs.get('c')?.log[2] as never);
    await engine.settle('c');
    expect(delivered).toHaveLength(2);
  });

  it('counts unread like the server: others\' messages after the read position; a read mark clears it', async () => {
    const { server, engine } = await setup();
    server.store('c', 'bob', 'a', true);
    server.store('c', 'bob', 'b', true);
    await engine.settle('c');
    expect(engine.getState().conversations.c?.conversation.unread).toBe(2);
    expect(engine.getState().conversations.c?.preview?.text).toBe('b');
    await engine.markRead('c', 2);
    expect(engine.getState().conversations.c?.conversation.unread).toBe(0);
    expect(engine.getState().conversations.c?.conversation).toEqual(server.view('c'));
  });
});

describe('conversation engine: the outbox', () => {
  it('shows a pending echo at once; the server\'s echo and its answer confirm the same message, never a copy', async () => {
    for (const echoBeforeAnswer of [true, false]) {
      const { server, engine } = await setup({ echoBeforeAnswer });
      await engine.open('c');
      const { localId, stored } = engine.send('c', 'hello');
      const shown = engine.getState().windows.c?.messages ?? [];
      expect(shown.map((m) => [m.text, m.status, m.localId])).toEqual([['hello', 'pending', localId]]);
      const message = await stored;
      if (!echoBeforeAnswer) server.onLive?.(server.convs.get('c')?.log[0] as never);
      await engine.settle('c');
      const window = engine.getState().windows.c?.messages ?? [];
      expect(window.map((m) => [m.seq, m.text, m.status, m.localId])).toEqual([[message.seq, 'hello', 'sent', localId]]);
      expect(engine.getState().conversations.c?.preview?.status).toBe('sent');
      expect(engine.getState().conversations.c?.conversation.unread).toBe(0);
    }
  });

  it('retries a send whose answer was lost with the same idempotency key: stored once', async () => {
    const { server, engine } = await setup();
    server.loseSendAnswers = 2;
    const message = await engine.send('c', 'once').stored;
    const keys = server.sends().map((s) => s.clientKey);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(server.convs.get('c')?.log.map((m) => m.seq)).toEqual([message.seq]);
  });

  it('a refused send shows failed; Retry sends it again with the same key, and it is stored once', async () => {
    const { server, engine } = await setup();
    await engine.open('c');
    server.refuseSends = 'RATE_LIMITED';
    const { localId, stored } = engine.send('c', 'try me');
    await expect(stored).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    const failed = engine.getState().windows.c?.messages[0];
    expect([failed?.status, failed?.localId, failed?.error]).toEqual(['failed', localId, 'Refused.']);
    server.refuseSends = undefined;
    const again = engine.retry(localId);
    expect(engine.getState().windows.c?.messages[0]?.status).toBe('pending');
    await again;
    await engine.settle('c');
    expect(engine.getState().windows.c?.messages.map((m) => [m.text, m.status, m.localId])).toEqual([['try me', 'sent', localId]]);
    expect(server.sends().map((s) => s.clientKey)).toEqual([localId, localId]);
    expect(server.convs.get('c')?.log).toHaveLength(1);
  });

  it('keeps one conversation\'s sends in the order they were made, echoes after the stored messages', async () => {
    const { server, engine } = await setup();
    await engine.open('c');
    server.store('c', 'bob', 'from bob', true);
    const sends = ['1', '2', '3'].map((t) => engine.send('c', t));
    expect(engine.getState().windows.c?.messages.map((m) => m.status)).toEqual(['pending', 'pending', 'pending']);
    await Promise.all(sends.map((s) => s.stored));
    await engine.settle('c');
    expect(engine.getState().windows.c?.messages.map((m) => [m.seq, m.text])).toEqual([[1, 'from bob'], [2, '1'], [3, '2'], [4, '3']]);
  });

  it('waits while disconnected and sends once the connection is back', async () => {
    const { server, engine } = await setup();
    server.connected = false;
    const { stored } = engine.send('c', 'later');
    await new Promise((r) => setTimeout(r, 10));
    expect(server.convs.get('c')?.log).toHaveLength(0);
    server.connected = true;
    await engine.resync();
    expect((await stored).text).toBe('later');
  });
});

describe('conversation engine: the view', () => {
  it('applies a delete to the loaded window and the preview, and takes it out of the unread count', async () => {
    const { server, engine } = await setup();
    await engine.open('c');
    const m = server.store('c', 'bob', 'oops', true);
    await engine.settle('c');
    expect(engine.getState().conversations.c?.conversation.unread).toBe(1);
    const deleted = { ...m, deleted: true, body: new Uint8Array() };
    engine.updated(deleted);
    await engine.settle('c');
    expect(engine.getState().windows.c?.messages.map((x) => [x.seq, x.deleted, x.text])).toEqual([[1, true, '']]);
    expect(engine.getState().conversations.c?.preview?.deleted).toBe(true);
    expect(engine.getState().conversations.c?.conversation.unread).toBe(0);
  });

  it('opens a window with the newest page, merges live messages and pages older ones in', async () => {
    const { server, engine } = await setup();
    for (let i = 1; i <= 120; i++) server.store('c', 'bob', `m${i}`);
    await engine.open('c');
    expect(seqs(engine.getState().windows.c?.messages ?? [])).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
    server.store('c', 'bob', 'live', true);
    await engine.settle('c');
    await engine.loadOlder('c');
    const window = engine.getState().windows.c;
    expect(seqs(window?.messages ?? [])).toEqual(Array.from({ length: 121 }, (_, i) => i + 1));
    expect(window?.hasMore).toBe(false);
  });
});
