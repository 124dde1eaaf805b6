import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_LIMITS, MAX_ENCRYPTED_CONTENT_BYTES, type ParleyClient } from '../../src/sdk/index.js';
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

  it('refuses bodies over 64 KiB: the SDK before sending, the transport by closing only that frame\'s connection', async () => {
    // Encrypted: the content's text is bounded (CONTENT_LIMITS) so that the encoded message leaves room for MLS framing
    // within the 64 KiB body.
    const fits = CONTENT_LIMITS.textChars;
    expect(fits * 3).toBeLessThan(MAX_ENCRYPTED_CONTENT_BYTES);
    await expect(alice.messages.send(conversationId, 'x'.repeat(fits + 1))).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const exact = await alice.messages.send(conversationId, 'y'.repeat(fits));
    expect(exact.text).toHaveLength(fits);
    expect(exact.encrypted).toBe(true);
    expect((await alice.whoami()).user.username).toBe('alice');

    // A raw client that ignores the limit loses its connection (64 KiB frames) and stores nothing; others are unaffected.
    const before = (await alice.messages.history(conversationId, { limit: 100 })).length;
    const mallory = await signedIn(t, 'mallory');
    const reply = await rawEmit(mallory)('messages:send', {
      conversationId,
      clientKey: 'too-big-00001',
      contentType: 'text/plain',
      body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x61),
    }).catch((err: unknown) => err);
    expect(reply).toBeInstanceOf(Error);
    mallory.close();
    expect((await alice.messages.history(conversationId, { limit: 100 })).length).toBe(before);
    expect((await alice.whoami()).user.username).toBe('alice');
  });

  it('answers other oversized or out-of-range inputs with a VALIDATION_FAILED ack on a usable connection', async () => {
    const emit = rawEmit(alice);
    expect(await emit('messages:history', { conversationId, limit: 101 })).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(await emit('conversations:createGroup', { name: 'n'.repeat(65), usernames: [] })).toMatchObject({
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(await emit('messages:send', { conversationId, clientKey: 'k', contentType: 'text/plain', body: 'not bytes' })).toMatchObject({
      error: { code: 'VALIDATION_FAILED' },
    });
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
