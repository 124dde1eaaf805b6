import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/protocol/auth.js';
import { dialect } from '../support/env.js';
import { startTestServer, TEST_KDF, type TestServer } from '../support/server.js';

/** Raw HTTP against a real server: what a browser (or an attacker's page) can send. */
const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');
const EVIL = 'http://evil.example';

interface Res {
  status: number;
  headers: Headers;
  json: unknown;
}

interface ReqOptions {
  origin?: string | null;
  cookie?: string;
  contentType?: string | null;
  raw?: string;
  method?: string;
}

function api(t: TestServer) {
  const origin = new URL(t.url).origin;
  return async (path: string, body?: unknown, o: ReqOptions = {}): Promise<Res> => {
    const method = o.method ?? (body === undefined && o.raw === undefined ? 'GET' : 'POST');
    const headers: Record<string, string> = {};
    const sendOrigin = o.origin === undefined ? origin : o.origin;
    if (sendOrigin !== null) headers.origin = sendOrigin;
    if (o.cookie) headers.cookie = `${SESSION_COOKIE}=${o.cookie}`;
    const payload = o.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    const type = o.contentType === undefined ? 'application/json' : o.contentType;
    if (payload !== undefined && type !== null) headers['content-type'] = type;
    const res = await fetch(new URL(path, t.url), { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, json };
  };
}

/** The session token set by a response, or undefined. */
function sessionCookie(res: Res): string | undefined {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${SESSION_COOKIE}=`));
  return line?.split(';')[0]?.slice(SESSION_COOKIE.length + 1);
}

const signupBody = (username: string, authKey = b64(32), kdf: object = TEST_KDF) => ({ username, salt: b64(16), kdf, authKey });

const expectError = (res: Res, status: number, code: string) => {
  expect({ status: res.status, code: (res.json as { error?: { code?: string } }).error?.code }).toEqual({ status, code });
  expect(typeof (res.json as { error: { message: unknown } }).error.message).toBe('string');
};

describe(`HTTP auth edge (${dialect})`, () => {
  let t: TestServer;
  let call: ReturnType<typeof api>;
  beforeAll(async () => {
    t = await startTestServer();
    call = api(t);
  });
  afterAll(() => t.close());

  describe('Origin and content-type guards', () => {
    it('refuses a state-changing request from a foreign Origin, and it changes nothing', async () => {
      const body = signupBody('mallory-target');
      expectError(await call('/api/auth/signup', body, { origin: EVIL }), 403, 'FORBIDDEN_ORIGIN');
      expectError(await call('/api/auth/signup', body, { origin: 'null' }), 403, 'FORBIDDEN_ORIGIN');
      expectError(await call('/api/auth/signup', body, { origin: `${new URL(t.url).origin}.evil.example` }), 403, 'FORBIDDEN_ORIGIN');
      // No account was created: the same sign-up from the app's origin succeeds.
      expect((await call('/api/auth/signup', body)).status).toBe(201);
    });

    it('refuses a state-changing request without Origin', async () => {
      expectError(await call('/api/auth/signup', signupBody('no-origin'), { origin: null }), 403, 'FORBIDDEN_ORIGIN');
      expectError(await call('/api/auth/prelogin', { username: 'no-origin' }, { origin: null }), 403, 'FORBIDDEN_ORIGIN');
      expect((await call('/api/auth/signup', signupBody('no-origin'))).status).toBe(201);
    });

    it('refuses a cookie-carrying logout from a foreign Origin (CSRF): the session survives', async () => {
      const token = sessionCookie(await call('/api/auth/signup', signupBody('csrf-victim')));
      expectError(await call('/api/auth/logout', {}, { origin: EVIL, cookie: token }), 403, 'FORBIDDEN_ORIGIN');
      expect((await call('/api/auth/me', undefined, { cookie: token })).status).toBe(200);
    });

    it('accepts only JSON bodies (415 for form and text bodies)', async () => {
      const form = 'username=form-user&authKey=x';
      expectError(await call('/api/auth/login', undefined, { raw: form, contentType: 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectError(await call('/api/auth/signup', undefined, { raw: JSON.stringify(signupBody('text-user')), contentType: 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectError(await call('/api/auth/prelogin', undefined, { raw: '--x\r\n', contentType: 'multipart/form-data; boundary=x' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect((await call('/api/auth/signup', signupBody('text-user'))).status).toBe(201);
    });
  });

  describe('input validation', () => {
    const invalid: [string, unknown, number, string][] = [
      ['missing field', { username: 'valid-name', salt: b64(16), kdf: TEST_KDF }, 400, 'VALIDATION_FAILED'],
      ['extra field', { ...signupBody('valid-name'), admin: true }, 400, 'VALIDATION_FAILED'],
      ['wrong type', { ...signupBody('valid-name'), kdf: { ...TEST_KDF, memoryKiB: '256' } }, 400, 'VALIDATION_FAILED'],
      ['non-object body', ['valid-name'], 400, 'VALIDATION_FAILED'],
      ['bad user name characters', signupBody('bad name!'), 400, 'VALIDATION_FAILED'],
      ['user name with a slash', signupBody('a/b/c'), 400, 'VALIDATION_FAILED'],
      ['user name of 2 characters', signupBody('ab'), 400, 'VALIDATION_FAILED'],
      ['user name of 33 characters', signupBody('a'.repeat(33)), 400, 'VALIDATION_FAILED'],
      ['short authKey', { ...signupBody('valid-name'), authKey: b64(16) }, 400, 'VALIDATION_FAILED'],
      ['authKey not base64url', { ...signupBody('valid-name'), authKey: `${b64(31).slice(0, 42)}+` }, 400, 'VALIDATION_FAILED'],
      ['unknown KDF algorithm', { ...signupBody('valid-name'), kdf: { ...TEST_KDF, algorithm: 'pbkdf2' } }, 400, 'VALIDATION_FAILED'],
    ];
    it.each(invalid)('answers a clear error for a %s', async (_what, body, status, code) => {
      const res = await call('/api/auth/signup', body);
      expectError(res, status, code);
    });

    it('refuses a __proto__ key and malformed JSON', async () => {
      const proto = `{"username":"proto-user","salt":"${b64(16)}","kdf":${JSON.stringify(TEST_KDF)},"authKey":"${b64(32)}","__proto__":{"admin":true}}`;
      expectError(await call('/api/auth/signup', undefined, { raw: proto }), 400, 'VALIDATION_FAILED');
      expectError(await call('/api/auth/signup', undefined, { raw: '{"username":' }), 400, 'VALIDATION_FAILED');
      expectError(await call('/api/auth/login', undefined, { raw: '' }), 400, 'VALIDATION_FAILED');
      // The 2- and 33-character names and the __proto__ body created nothing; a 32-character name is fine.
      expect((await call('/api/auth/signup', signupBody('proto-user'))).status).toBe(201);
      expect((await call('/api/auth/signup', signupBody('b'.repeat(32)))).status).toBe(201);
    });

    it('refuses a body over 64 KiB with 413', async () => {
      const res = await call('/api/auth/prelogin', { username: 'big-body', pad: 'x'.repeat(65 * 1024) });
      expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('refuses KDF parameters below the server minimum', async () => {
      const res = await call('/api/auth/signup', signupBody('weak-kdf', b64(32), { ...TEST_KDF, memoryKiB: 8 }));
      expectError(res, 400, 'KDF_TOO_WEAK');
      expect((await call('/api/auth/prelogin', { username: 'weak-kdf' })).json).toMatchObject({ kdf: { memoryKiB: 65_536 } });
    });

    it('answers an unknown API route with a JSON 404', async () => {
      expectError(await call('/api/nope'), 404, 'NOT_FOUND');
      expectError(await call('/api/auth/nope', {}), 404, 'NOT_FOUND');
      expectError(await call('/api/auth/sessions/not-a-uuid', {}, { method: 'DELETE' }), 401, 'UNAUTHENTICATED');
    });
  });

  describe('login throttling and prelogin', () => {
    it('answers 429 with Retry-After at the 6th wrong key in a row, and then refuses even the right key', async () => {
      const key = b64(32);
      expect((await call('/api/auth/signup', signupBody('throttled', key))).status).toBe(201);
      for (let i = 1; i <= 5; i++) expectError(await call('/api/auth/login', { username: 'throttled', authKey: b64(32) }), 401, 'INVALID_CREDENTIALS');
      const sixth = await call('/api/auth/login', { username: 'throttled', authKey: b64(32) });
      expectError(sixth, 429, 'RATE_LIMITED');
      const retryAfter = Number(sixth.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      const right = await call('/api/auth/login', { username: 'THROTTLED', authKey: key });
      expectError(right, 429, 'RATE_LIMITED');
      expect(sessionCookie(right)).toBeUndefined();
    });

    it('counts parallel wrong keys too: at most 5 of 20 concurrent guesses are checked', async () => {
      expect((await call('/api/auth/signup', signupBody('raced'))).status).toBe(201);
      const guesses = await Promise.all(
        Array.from({ length: 20 }, () => call('/api/auth/login', { username: 'raced', authKey: b64(32) })),
      );
      const statuses = guesses.map((g) => g.status);
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
      expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    });

    it('answers prelogin alike for an existing and a missing name; the missing one is stable', async () => {
      const defaultKdf = { algorithm: 'argon2id', memoryKiB: 65_536, iterations: 3, parallelism: 1 };
      expect((await call('/api/auth/signup', signupBody('present', b64(32), defaultKdf))).status).toBe(201);
      const present = (await call('/api/auth/prelogin', { username: 'present' })).json as { salt: string; kdf: object };
      const missing = (await call('/api/auth/prelogin', { username: 'absent' })).json as { salt: string; kdf: object };
      expect(Object.keys(missing).sort()).toEqual(Object.keys(present).sort());
      expect(missing.salt).toHaveLength(present.salt.length);
      expect(missing.kdf).toEqual(present.kdf);
      expect((await call('/api/auth/prelogin', { username: 'absent' })).json).toEqual(missing);
      expect((await call('/api/auth/prelogin', { username: 'ABSENT' })).json).toEqual(missing);
      expect(((await call('/api/auth/prelogin', { username: 'absent2' })).json as { salt: string }).salt).not.toBe(missing.salt);
    });
  });

  describe('session cookie', () => {
    it('is a __Host- cookie: HttpOnly, Secure, SameSite=Lax, Path=/, no Domain', async () => {
      const key = b64(32);
      const signup = await call('/api/auth/signup', signupBody('cookie-user', key));
      const login = await call('/api/auth/login', { username: 'cookie-user', authKey: key });
      for (const res of [signup, login]) {
        const line = res.headers.getSetCookie().find((l) => l.startsWith('__Host-parley_session='));
        expect(line).toBeDefined();
        const attrs = (line ?? '').split(';').slice(1).map((a) => a.trim().toLowerCase());
        expect(attrs).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=lax', 'path=/']));
        expect(attrs.some((a) => a.startsWith('domain'))).toBe(false);
        expect(sessionCookie(res)).toMatch(/^[A-Za-z0-9_-]{43}$/);
      }
    });

    it('is new at every login, never the one the request carried (no fixation)', async () => {
      const key = b64(32);
      const first = sessionCookie(await call('/api/auth/signup', signupBody('fixation', key)));
      const second = sessionCookie(await call('/api/auth/login', { username: 'fixation', authKey: key }, { cookie: first }));
      const third = sessionCookie(await call('/api/auth/login', { username: 'fixation', authKey: key }));
      expect(new Set([first, second, third]).size).toBe(3);
      const planted = b64(32);
      const afterPlanted = sessionCookie(await call('/api/auth/login', { username: 'fixation', authKey: key }, { cookie: planted }));
      expect(afterPlanted).toBeDefined();
      expect(afterPlanted).not.toBe(planted);
      expectError(await call('/api/auth/me', undefined, { cookie: planted }), 401, 'UNAUTHENTICATED');
    });

    it('ends at logout at once: the old cookie is refused; other sessions live on', async () => {
      const key = b64(32);
      const token = sessionCookie(await call('/api/auth/signup', signupBody('leaver', key)));
      const other = sessionCookie(await call('/api/auth/login', { username: 'leaver', authKey: key }));
      expect((await call('/api/auth/me', undefined, { cookie: token })).status).toBe(200);
      const out = await call('/api/auth/logout', {}, { cookie: token });
      expect(out.status).toBe(200);
      expect(out.headers.getSetCookie().join()).toMatch(/__Host-parley_session=;/);
      expectError(await call('/api/auth/me', undefined, { cookie: token }), 401, 'UNAUTHENTICATED');
      expectError(await call('/api/auth/logout', {}, { cookie: token }), 401, 'UNAUTHENTICATED');
      expect((await call('/api/auth/me', undefined, { cookie: other })).status).toBe(200);
    });
  });

  it('serves / with a strict CSP and no HSTS on plain HTTP', async () => {
    const res = await fetch(t.url);
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k = '', ...v]) => [k, v]));
    expect(directives.get('script-src')).toContain("'self'");
    expect(directives.get('script-src')).not.toContain("'unsafe-inline'");
    expect(directives.get('script-src')).not.toContain("'unsafe-eval'");
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect((await call('/api/auth/me')).headers.get('content-security-policy')).toBe(csp);
  });

  // Last: it takes this server's database away.
  it('turns an unexpected failure (the database is gone) into a generic 500 that leaks nothing', async () => {
    await t.server.deps.db.destroy();
    const res = await call('/api/auth/prelogin', { username: 'anyone' });
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ error: { code: 'INTERNAL', message: expect.any(String) as string } });
    expect(JSON.stringify(res.json)).not.toMatch(/destroy|driver|kysely|sqlite|postgres|\.ts|at /i);
    expect(t.logs.text).toMatch(/unhandled error/); // logged for the operator instead
  });
});

describe(`sign-up rate limit per address (${dialect})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { SIGNUPS_PER_ADDRESS_PER_HOUR: '2' } });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After at the 3rd sign-up in an hour', async () => {
    const call = api(t);
    expect((await call('/api/auth/signup', signupBody('first-one'))).status).toBe(201);
    expect((await call('/api/auth/signup', signupBody('second-one'))).status).toBe(201);
    const third = await call('/api/auth/signup', signupBody('third-one'));
    expectError(third, 429, 'RATE_LIMITED');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await call('/api/auth/prelogin', { username: 'third-one' })).json as { kdf: object }).kdf).toMatchObject({ memoryKiB: 65_536 });
  });
});
