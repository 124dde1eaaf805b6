import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyClient, ParleyError } from '../../src/sdk/index.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';

const ALICE_PASSWORD = 'violet-harbor-lantern-93';

describe(`accounts through the SDK (${dialect})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('signs up, reads me, logs out, is refused, logs in again', async () => {
    const alice = t.client();
    const user = await alice.signup('alice', ALICE_PASSWORD);
    expect(user.username).toBe('alice');
    expect(alice.hasVaultKey).toBe(true);

    const me = await alice.me();
    expect(me.user.id).toBe(user.id);
    expect(me.session.current).toBe(true);

    await alice.logout();
    expect(alice.hasVaultKey).toBe(false);
    await expect(alice.me()).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });

    await alice.login('alice', ALICE_PASSWORD);
    expect((await alice.me()).user.id).toBe(user.id);
  });

  it('logs in case-insensitively and refuses a second account with the same name in other case', async () => {
    const again = t.client();
    await again.login('ALICE', ALICE_PASSWORD);
    expect((await again.me()).user.username).toBe('alice');
    await expect(t.client().signup('Alice', 'another-strong-pass-77')).rejects.toMatchObject({ code: 'USERNAME_TAKEN' });
  });

  it('answers one generic message for a wrong password and for a missing account', async () => {
    const wrong = await t.client().login('alice', 'not-the-password-at-all').catch((e: unknown) => e);
    const missing = await t.client().login('nobody-here', 'not-the-password-at-all').catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(ParleyError);
    expect(missing).toBeInstanceOf(ParleyError);
    expect((wrong as ParleyError).code).toBe('INVALID_CREDENTIALS');
    expect((missing as ParleyError).code).toBe('INVALID_CREDENTIALS');
    expect((wrong as ParleyError).message).toBe((missing as ParleyError).message);
  });

  it('refuses weak and short passwords in the client before anything is sent', async () => {
    await expect(t.client().signup('bob', 'password123')).rejects.toMatchObject({ code: 'WEAK_PASSWORD' });
    await expect(t.client().signup('bob', 'short')).rejects.toMatchObject({ code: 'WEAK_PASSWORD' });
    // Nothing was created: bob can still sign up.
    await expect(t.client().signup('bob', 'quartz-meadow-circuit-58')).resolves.toMatchObject({ username: 'bob' });
  });

  it('changes the password: the old one stops working, other sessions end, this one stays', async () => {
    const carol = t.client();
    await carol.signup('carol', 'amber-falcon-river-204');
    const carolPhone = t.client();
    await carolPhone.login('carol', 'amber-falcon-river-204');

    await expect(carol.changePassword('wrong-old-password-1', 'cobalt-thistle-orbit-66')).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    await carol.changePassword('amber-falcon-river-204', 'cobalt-thistle-orbit-66');
    await expect(carol.me()).resolves.toMatchObject({ user: { username: 'carol' } });
    await expect(carolPhone.me()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(t.client().login('carol', 'amber-falcon-river-204')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(t.client().login('carol', 'cobalt-thistle-orbit-66')).resolves.toMatchObject({ username: 'carol' });
  });

  it('lists sessions and revokes one; another user cannot see or revoke it', async () => {
    const laptop = t.client();
    await laptop.login('alice', ALICE_PASSWORD);
    const phone = t.client();
    await phone.login('alice', ALICE_PASSWORD);
    const phoneSession = (await phone.me()).session.id;

    const listed = await laptop.sessions.list();
    expect(listed.map((s) => s.id)).toContain(phoneSession);
    expect(listed.filter((s) => s.current)).toHaveLength(1);

    const bob = t.client();
    await bob.login('bob', 'quartz-meadow-circuit-58');
    await expect(bob.sessions.revoke(phoneSession)).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect(bob.sessions.revoke(crypto.randomUUID())).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect(phone.me()).resolves.toBeDefined();

    await laptop.sessions.revoke(phoneSession);
    await expect(phone.me()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(laptop.me()).resolves.toBeDefined();
  });

  it('ends a session after its idle time and after its absolute lifetime', async () => {
    const idle = t.client();
    await idle.login('alice', ALICE_PASSWORD);
    const absolute = t.client();
    await absolute.login('alice', ALICE_PASSWORD);
    const db = t.server.deps.db;
    const { idleMs } = t.server.deps.config.session;
    const idleId = (await idle.me()).session.id;
    const absoluteId = (await absolute.me()).session.id;
    await db.updateTable('sessions').set({ last_seen_at: Date.now() - idleMs - 1_000 }).where('id', '=', idleId).execute();
    await db.updateTable('sessions').set({ expires_at: Date.now() - 1_000 }).where('id', '=', absoluteId).execute();
    await expect(idle.me()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(absolute.me()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await db.selectFrom('sessions').select('id').where('id', 'in', [idleId, absoluteId]).execute()).toEqual([]);
  });

  it('refuses, in the client, KDF parameters weaker than it accepts (a hostile server cannot cheapen the vault key)', async () => {
    const strict = new ParleyClient({ baseUrl: t.url }); // default minimum: 64 MiB, t=3
    await expect(strict.login('alice', ALICE_PASSWORD)).rejects.toMatchObject({ code: 'KDF_REFUSED' });
  });

  it('keeps accounts across a server restart', async () => {
    await t.stop();
    await t.restart();
    await expect(t.client().login('alice', ALICE_PASSWORD)).resolves.toMatchObject({ username: 'alice' });
  });
});
