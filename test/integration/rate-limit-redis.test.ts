import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect, testEnv } from '../support/env.js';
import { startTestServer, TEST_KDF, type TestServer } from '../support/server.js';

const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');
const redisMissing = !testEnv.redisUrl;

if (redisMissing && testEnv.require.has('redis')) {
  describe('login throttling shared through Redis', () => {
    it('needs Redis', () => {
      throw new Error('PARLEY_TEST_REQUIRE has "redis" but PARLEY_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379)');
    });
  });
}

/** Two instances behind one load balancer must share one failure count per account (the Redis store). */
describe.skipIf(redisMissing)(`login throttling shared through Redis by two instances (${dialect})`, () => {
  let a: TestServer;
  let b: TestServer;
  // The Redis key is the lower-case user name: a fresh name per run keeps runs (and parallel runs) apart.
  const username = `rl-${b64(9).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  const authKey = b64(32);

  async function post(t: TestServer, path: string, body: unknown) {
    const res = await fetch(new URL(path, t.url), {
      method: 'POST',
      headers: { origin: new URL(t.url).origin, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { error?: { code: string } };
    return { status: res.status, code: json.error?.code, retryAfter: res.headers.get('retry-after') };
  }
  const wrong = (t: TestServer) => post(t, '/api/auth/login', { username, authKey: b64(32) });

  beforeAll(async () => {
    const env = { LOGIN_FAILURES_PER_ACCOUNT: '3' };
    [a, b] = await Promise.all([startTestServer({ redis: true, env }), startTestServer({ redis: true, env })]);
    expect(a.server.deps.config.redisUrl).toBe(testEnv.redisUrl);
    // Each test server has its own database: the same account on both, as if they shared one.
    for (const t of [a, b]) {
      expect(await post(t, '/api/auth/signup', { username, salt: b64(16), kdf: TEST_KDF, authKey })).toMatchObject({ status: 201 });
    }
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('2 failures on A and 1 on B exhaust the account: B then answers 429, and A too', async () => {
    expect(await wrong(a)).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
    expect(await wrong(a)).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
    expect(await wrong(b)).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });

    const onB = await wrong(b);
    expect(onB).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(onB.retryAfter)).toBeGreaterThan(0);
    // Even the right key, on either instance.
    expect(await post(b, '/api/auth/login', { username, authKey })).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(await post(a, '/api/auth/login', { username: username.toUpperCase(), authKey })).toMatchObject({ status: 429 });
  });

  it('parallel guesses spread over both instances are counted: at most 3 are checked', async () => {
    const other = `${username.slice(0, 28)}-par`;
    for (const t of [a, b]) {
      expect(await post(t, '/api/auth/signup', { username: other, salt: b64(16), kdf: TEST_KDF, authKey })).toMatchObject({ status: 201 });
    }
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => post(i % 2 ? a : b, '/api/auth/login', { username: other, authKey: b64(32) })),
    );
    expect(answers.filter((r) => r.status === 401).length).toBeLessThanOrEqual(3);
    expect(answers.filter((r) => r.status !== 401 && r.status !== 429)).toEqual([]);
  });
});
