/** The engine after a reconnect: a delete or an in-place edit made while it was away reaches its open window. */
import { describe, expect, it } from 'vitest';
import { ConversationEngine } from '../../src/sdk/engine/conversation-engine.js';
import { plainCodec } from '../../src/sdk/engine/codec.js';
import type { Message } from '../../src/sdk/message-stream.js';
import { FakeServer } from '../support/fake-transport.js';

async function opened() {
  const server = new FakeServer('alice');
  server.conversation('c');
  const [one, two] = [server.store('c', 'bob', 'one'), server.store('c', 'bob', 'two')];
  const engine = new ConversationEngine({ transport: server, me: () => 'alice', codec: () => Promise.resolve(plainCodec) });
  const updated: Message[] = [];
  engine.on('messageUpdated', (m) => updated.push(m));
  await engine.resync();
  await engine.open('c');
  const shown = () => engine.getState().windows.c?.messages.map((m) => `${m.text}${m.deleted ? ' (deleted)' : ''}${m.editedAt ? ' (edited)' : ''}`);
  return { server, engine, updated, shown, one, two };
}

describe('conversation engine: changes made while the connection was down', () => {
  it('a delete that came as no live event is applied at the next resync, and heard by messageUpdated', async () => {
    const { server, engine, updated, shown, one } = await opened();
    expect(shown()).toEqual(['one', 'two']);
    // While away: bob deletes "one" (the `message:updated` event never reaches this client).
    const log = server.convs.get('c')!.log;
    log[0] = { ...one, deleted: true, body: new Uint8Array() };
    await engine.resync();
    await engine.settle('c');
    expect(shown()).toEqual([' (deleted)', 'two']);
    expect(updated.map((m) => [m.id, m.deleted])).toEqual([[one.id, true]]);
    // Nothing changed since: the next resync applies nothing again.
    await engine.resync();
    await engine.settle('c');
    expect(updated).toHaveLength(1);
  });

  it('without end-to-end encryption an in-place edit made meanwhile is applied too', async () => {
    const { server, engine, shown, two } = await opened();
    const log = server.convs.get('c')!.log;
    log[1] = { ...two, body: new TextEncoder().encode('two, edited'), editedAt: new Date(0).toISOString() };
    await engine.resync();
    await engine.settle('c');
    expect(shown()).toEqual(['one', 'two, edited (edited)']);
  });
});
