import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/protocol/auth.js';
import { dialect } from '../support/env.js';
import { openSocket, post, rawAccount, tokenOf } from '../support/raw-socket.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { PASSWORDS, signedIn } from '../support/users.js';

/** A log-in that arrives with a session cookie ends that (the browser's previous) session on the server. */
describe(`log-in replaces the browser's previous session (${dialect})`, () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  const me = (token: string) =>
    fetch(new URL('/api/auth/me', t.url), { headers: { cookie: `${SESSION_COOKIE}=${token}` } }).then((r) => r.status);

  it('revokes the old session at once (its socket hears session:revoked and is cut); other devices stay', async () => {
    const alice = await rawAccount(t, 'alice');
    const otherDevice = await alice.login();
    const socket = await openSocket(t, alice.token);
    const revoked = new Promise<unknown>((resolve) => socket.once('session:revoked', resolve));
    const gone = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));

    const res = await post(t, '/api/auth/login', { username: 'alice', authKey: alice.authKey }, alice.token);
    expect(res.status).toBe(200);
    const fresh = tokenOf(res);
    expect(fresh).not.toBe(alice.token);
    expect(await revoked).toEqual({ reason: 'logout' });
    await gone;
    expect(await me(alice.token)).toBe(401);
    expect(await me(fresh)).toBe(200);
    // A log-in without that cookie (another browser) ended nothing.
    expect(await me(otherDevice)).toBe(200);
  });

  it('a sign-up in a browser holding another user\'s session ends that session too', async () => {
    const bob = await rawAccount(t, 'bob');
    const res = await post(t, '/api/auth/signup', { username: 'carol', salt: 'c2FsdHNhbHRzYWx0c2FsdA', kdf: { algorithm: 'argon2id', memoryKiB: 256, iterations: 1, parallelism: 1 }, authKey: 'a'.repeat(43) }, bob.token);
    expect(res.status).toBe(201);
    expect(await me(bob.token)).toBe(401);
    expect(await me(tokenOf(res))).toBe(200);
  });

  it('a failed log-in ends nothing', async () => {
    const dave = await rawAccount(t, 'dave');
    const res = await post(t, '/api/auth/login', { username: 'dave', authKey: 'b'.repeat(43) }, dave.token);
    expect(res.status).toBe(401);
    expect(await me(dave.token)).toBe(200);
  });

  it('the SDK logging in again on a connected client stays signed in, on the new session only', async () => {
    const erin = await signedIn(t, 'erin', { encryption: 'none' });
    const first = (await erin.me()).session.id;
    await erin.login('erin', PASSWORDS.erin ?? 'erin-harbor-lantern-93');
    await erin.connect();
    expect((await erin.whoami()).user.username).toBe('erin');
    const sessions = await erin.sessions.list();
    expect(sessions.map((s) => s.id)).not.toContain(first);
    expect(sessions).toHaveLength(1);
    erin.close();
  });
});
