import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EXIT, runAdmin } from '../../src/server/admin/cli.js';
import type { ParleyClient } from '../../src/sdk/index.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, PASSWORDS, signedIn } from '../support/users.js';

const run = promisify(execFile);

describe(`admin tool (${dialect})`, () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];

  async function admin(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runAdmin(argv, t.db.env, { out: (s) => (out += s), err: (s) => (err += s) });
    return { code, out, err };
  }

  /** Resolves with the reason of the client's next `signedOut`. */
  const signedOut = (client: ParleyClient) => new Promise<string>((resolve) => client.on('signedOut', resolve));

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  it('a suspended user is signed out at once and refused at log-in; unsuspend restores it', async () => {
    const alice = await signedIn(t, 'alice');
    const aliceElsewhere = t.client();
    clients.push(alice, aliceElsewhere);
    await aliceElsewhere.login('alice', PASSWORDS.alice ?? '');
    await aliceElsewhere.connect();
    const outs = [signedOut(alice), signedOut(aliceElsewhere)];

    const suspended = await admin('suspend', 'alice');
    expect(suspended).toMatchObject({ code: ADMIN_EXIT.ok });
    expect(suspended.out).toContain('2 sessions ended');
    // Both open sockets hear it from the running server (its poll of the operator's signals).
    expect(await Promise.all(outs)).toEqual(['suspended', 'suspended']);
    expect(alice.connected).toBe(false);

    await expect(t.client().login('alice', PASSWORDS.alice ?? '')).rejects.toMatchObject({ code: 'ACCOUNT_SUSPENDED', status: 403 });
    // A wrong password still gets the generic answer: a suspension is not revealed to someone guessing.
    await expect(t.client().login('alice', 'not-her-password-at-all-1')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(await admin('suspend', 'alice')).toMatchObject({ code: ADMIN_EXIT.noChange });
    expect((await admin('users', '--json')).out).toContain('"status": "suspended"');

    expect(await admin('unsuspend', 'alice')).toMatchObject({ code: ADMIN_EXIT.ok });
    const back = t.client();
    clients.push(back);
    await back.login('alice', PASSWORDS.alice ?? '');
    await back.connect();
    expect((await back.whoami()).user.username).toBe('alice');
  });

  it('delete: sessions end, contacts and groups are left, the name stays reserved', async () => {
    const carol = await signedIn(t, 'carol');
    const bob = await signedIn(t, 'bob');
    clients.push(carol, bob);
    await befriend(bob, carol);
    const group = await bob.conversations.createGroup('ops', ['carol']);
    const { id: direct } = await carol.conversations.openDirect('bob');
    await carol.messages.send(direct, 'canary-in-admin-test');
    const out = signedOut(bob);

    const deleted = await admin('delete', 'bob', '--yes');
    expect(deleted).toMatchObject({ code: ADMIN_EXIT.ok });
    expect(await out).toBe('deleted');

    expect((await carol.contacts.list()).map((c) => c.username)).not.toContain('bob');
    const after = await carol.conversations.get(group.id);
    expect(after.members.map((m) => m.username)).toEqual(['carol']);
    expect(after.myRole).toBe('owner');
    // A deleted name is answered like any name without an account: the request looks sent (no user-name oracle).
    await expect(carol.contacts.request('bob')).resolves.toMatchObject({ username: 'bob', state: 'outgoing' });
    await expect(t.client().login('bob', PASSWORDS.bob ?? '')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(t.client().signup('bob', 'another-strong-pass-77')).rejects.toMatchObject({ code: 'USERNAME_TAKEN' });
    expect(await admin('delete', 'bob', '--yes')).toMatchObject({ code: ADMIN_EXIT.noSuchUser });
    expect(await admin('delete', 'carol')).toMatchObject({ code: ADMIN_EXIT.usage });

    const users = JSON.parse((await admin('users', '--json')).out) as { username: string; status: string; devices: number; storageBytes: number }[];
    expect(users.find((u) => u.username === 'bob')).toMatchObject({ status: 'deleted', devices: 0 });
    expect(users.find((u) => u.username === 'carol')?.devices).toBeGreaterThanOrEqual(1);
    expect(users.find((u) => u.username === 'carol')?.storageBytes).toBeGreaterThan(0);
    const stats = JSON.parse((await admin('stats', '--json')).out) as { users: { deleted: number }; messages: { total: number } };
    expect(stats.users.deleted).toBe(1);
    expect(stats.messages.total).toBeGreaterThan(0);
    for (const text of [(await admin('users')).out, (await admin('stats')).out]) expect(text).not.toContain('canary');
  });

  it('the parley-admin bin runs from the checkout without a build', async () => {
    const { stdout } = await run(process.execPath, ['bin/parley-admin.mjs', 'users'], { env: { ...process.env, ...t.db.env } });
    expect(stdout).toMatch(/^name\s+status/);
    expect(stdout).toContain('carol');
  });
});
