import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/protocol/auth.js';
import { dialect } from '../support/env.js';
import { Fixture, ok } from './fixture.js';
import { emitWithAck } from './wire.js';

/** What the fuzzer found, pinned down as plain tests so they never come back unnoticed. */
describe(`fuzzing regressions (${dialect})`, () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await Fixture.start();
  });
  afterAll(() => fx.close());

  it('answers a request head over 16 KiB with the documented error body (431 PAYLOAD_TOO_LARGE), not fastify’s', async () => {
    const logFrom = fx.logCount;
    const res = await fx.http.request({
      method: 'DELETE',
      path: `/api/auth/sessions/${'%F0%9F%98%80'.repeat(2_000)}`,
      headers: { origin: fx.origin, cookie: `${SESSION_COOKIE}=x` },
      body: undefined,
    });
    expect(res.status).toBe(431);
    expect(res.json).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) as string } });
    // The connection is closed, and the next request (on a new one) is served.
    expect((await fx.http.json('GET', '/api/auth/me', undefined)).status).toBe(401);
    expect(fx.errorLogLines(logFrom)).toEqual([]);
  });

  it('publishes identity keys of one user concurrently: every publish answers, none INTERNAL (PostgreSQL race)', async () => {
    const logFrom = fx.logCount;
    const me = await fx.connect(await fx.signUp('ident'));
    try {
      for (let round = 0; round < 3; round++) {
        const answers = await Promise.all(
          Array.from({ length: 8 }, () =>
            emitWithAck(me.socket, 'identity:publish', [{ identityKey: randomBytes(32).toString('base64url'), wrappedKey: randomBytes(48) }]),
          ),
        );
        for (const a of answers) expect(a).toMatchObject({ kind: 'ack', value: { data: { identity: expect.anything() as unknown } } });
      }
      expect(fx.errorLogLines(logFrom)).toEqual([]);
    } finally {
      me.socket.close();
    }
  });

  it('lists conversations while leaving them at the same time: never INTERNAL', async () => {
    const logFrom = fx.logCount;
    const [me, friend] = await Promise.all([fx.signUp('race'), fx.signUp('racef')]);
    const [cme, cfriend] = await Promise.all([fx.connect(me), fx.connect(friend)]);
    try {
      await ok(cme.socket, 'contacts:request', { username: friend.username });
      await ok(cfriend.socket, 'contacts:accept', { username: me.username });
      for (let round = 0; round < 3; round++) {
        const groups = await Promise.all(
          Array.from({ length: 10 }, (_, i) => ok(cme.socket, 'conversations:createGroup', { name: `race ${round}.${i}`, usernames: [friend.username] })),
        );
        const ids = groups.map((g) => (g.conversation as { id: string }).id);
        const answers = await Promise.all([
          ...ids.flatMap((conversationId) => [
            emitWithAck(cme.socket, 'conversations:list', [{}]),
            emitWithAck(cme.socket, 'conversations:leave', [{ conversationId }]),
            emitWithAck(cme.socket, 'conversations:get', [{ conversationId }]),
          ]),
        ]);
        for (const a of answers) {
          expect(a.kind).toBe('ack');
          const value = (a as { value: { data?: unknown; error?: { code: string } } }).value;
          if (value.error) expect(value.error.code).toBe('NOT_FOUND');
        }
      }
      expect(fx.errorLogLines(logFrom)).toEqual([]);
    } finally {
      cme.socket.close();
      cfriend.socket.close();
    }
  });
});
