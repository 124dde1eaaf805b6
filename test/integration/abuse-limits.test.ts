import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/sdk/index.js';
import { MAX_BODY_BYTES } from '../../src/protocol/messages.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, signedIn } from '../support/users.js';

type RawEmit = (event: string, payload: unknown) => Promise<unknown>;
const rawEmit = (client: ParleyClient): RawEmit => {
  const socket = (client as unknown as { realtime: { socket: { timeout(ms: number): { emitWithAck: RawEmit } } } }).realtime.socket;
  return (event, payload) => socket.timeout(5_000).emitWithAck(event, payload);
};

describe(`abuse limits on the socket (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let conversationId: string;

  beforeAll(async () => {
    t = await startTestServer({ env: { MESSAGES_PER_CONNECTION_PER_10S: '8' } });
    alice = await signedIn(t, 'alice');
    const bob = await signedIn(t, 'bob');
    await befriend(alice, bob);
    conversationId = (await alice.conversations.openDirect('bob')).id;
    bob.close();
  });
  afterAll(async () => {
    alice.close();
    await t.close();
  });

  it('refuses a body over 64 KiB with an ack, stores nothing, and keeps the connection usable', async () => {
    const emit = rawEmit(alice);
    const tooBig = await emit('messages:send', {
      conversationId,
      clientKey: 'too-big-00001',
      contentType: 'text/plain',
      body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x61),
    });
    expect(tooBig).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    await expect(alice.messages.send(conversationId, 'x'.repeat(MAX_BODY_BYTES + 1))).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const exact = await alice.messages.send(conversationId, 'y'.repeat(MAX_BODY_BYTES));
    expect(exact.text).toHaveLength(MAX_BODY_BYTES);
    expect((await alice.whoami()).user.username).toBe('alice');
  });

  it('a retried send with the same idempotency key returns the stored message, never a second one', async () => {
    const emit = rawEmit(alice);
    const payload = { conversationId, clientKey: 'retry-key-0001', contentType: 'text/plain', body: Buffer.from('once') };
    const [a, b] = await Promise.all([emit('messages:send', payload), emit('messages:send', payload)]);
    const c = await emit('messages:send', payload);
    const ids = [a, b, c].map((r) => (r as { data: { message: { id: string } } }).data.message.id);
    expect(new Set(ids).size).toBe(1);
    const texts = (await alice.messages.history(conversationId, { limit: 100 })).filter((m) => m.text === 'once');
    expect(texts).toHaveLength(1);
    const reused = await emit('messages:send', { ...payload, body: Buffer.from('different') });
    expect((reused as { data: { message: { id: string } } }).data.message.id).toBe(ids[0]);
  });

  it('rate-limits sends per connection with a RATE_LIMITED ack; other events still work', async () => {
    const emit = rawEmit(alice);
    const answers: unknown[] = [];
    for (let i = 0; i < 12; i++) {
      answers.push(await emit('messages:send', { conversationId, clientKey: `burst-${i}-xxxxx`, contentType: 'text/plain', body: Buffer.from(`b${i}`) }));
    }
    const limited = answers.filter((a) => (a as { error?: { code: string } }).error?.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThan(0);
    expect((await alice.whoami()).user.username).toBe('alice');
    expect((await alice.conversations.list()).length).toBe(1);
  });
});
