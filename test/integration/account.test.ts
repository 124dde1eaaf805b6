import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLS_COMMIT } from '../../src/protocol/e2e.js';
import type { ContactDto, ParleyClient } from '../../src/sdk/index.js';
import { dialect } from '../support/env.js';
import { attachmentsOf, filesUnder, httpOf, randomFile } from '../support/files.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { allRows, rowMentions, type Row } from '../support/table-walk.js';
import { befriend, PASSWORDS, signedIn } from '../support/users.js';

const signedOut = (client: ParleyClient) => new Promise<string>((resolve) => client.on('signedOut', resolve));

describe(`account: sign out everywhere else, delete the account (${dialect})`, () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  const track = (c: ParleyClient) => (clients.push(c), c);

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  async function loggedIn(username: string): Promise<ParleyClient> {
    const c = track(t.client());
    await c.login(username, PASSWORDS[username] ?? '');
    await c.connect();
    return c;
  }

  it('"sign out everywhere else" ends three other sessions at once; their sockets get signedOut; this one and other users stay', async () => {
    const carol = track(await signedIn(t, 'carol'));
    const others = [await loggedIn('carol'), await loggedIn('carol'), await loggedIn('carol')];
    const bob = track(await signedIn(t, 'bob'));
    const outs = others.map(signedOut);
    let bobOut = false;
    bob.on('signedOut', () => (bobOut = true));

    expect(await carol.sessions.revokeOthers()).toBe(3);
    expect(await Promise.all(outs)).toEqual(['revoked', 'revoked', 'revoked']);
    for (const o of others) await expect(o.me()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await carol.whoami()).user.username).toBe('carol');
    expect((await carol.sessions.list()).map((s) => s.current)).toEqual([true]);
    expect((await bob.whoami()).user.username).toBe('bob');
    expect(bobOut).toBe(false);
    // Nothing left to end: zero, and still signed in.
    expect(await carol.sessions.revokeOthers()).toBe(0);
  });

  it('refuses without a session, and with a body', async () => {
    const anon = t.client();
    await expect(httpOf(anon).request('POST', '/api/auth/sessions/revoke-others', { parse: (x: unknown) => x } as never, {}))
      .rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const bob = await loggedIn('bob');
    await expect(httpOf(bob).request('POST', '/api/auth/sessions/revoke-others', { parse: (x: unknown) => x } as never, { all: true }))
      .rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('deletes alice: a wrong password changes nothing; then nothing of her is left but the reservation, and the others see her gone', async () => {
    const alice = track(await signedIn(t, 'alice'));
    const aliceId = alice.user?.id ?? '';
    const aliceElsewhere = await loggedIn('alice');
    const bob = await loggedIn('bob');
    const carol = await loggedIn('carol');
    await befriend(alice, bob);
    await befriend(alice, carol);
    const direct = await alice.conversations.openDirect('bob');
    await alice.messages.send(direct.id, 'alice-canary-direct');
    await bob.messages.send(direct.id, 'bob-stays');
    const group = await alice.conversations.createGroup('trip', ['bob', 'carol']);
    await alice.messages.send(group.id, 'alice-canary-group');
    const upload = await attachmentsOf(alice).upload(direct.id, { name: 'x.bin', type: 'application/octet-stream', data: randomFile(2000) });
    const blobFilesBefore = filesUnder(t.db.dataDir).filter((f) => f.includes(upload.blobId)).length;
    await carol.contacts.request('bob');
    await alice.recovery.create();

    // A wrong password: refused, nothing changed.
    await expect(alice.deleteAccount('not-her-password-11')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect((await alice.whoami()).user.username).toBe('alice');
    expect((await bob.contacts.list()).map((c) => c.username)).toContain('alice');

    const gone = signedOut(aliceElsewhere);
    const bobSaw = new Promise<ContactDto>((resolve) => bob.on('contact', (c) => c.username === 'alice' && resolve(c)));
    const groupRemoved = new Promise<void>((resolve) => bob.on('conversation', (c) => c.id === group.id && !c.members.some((m) => m.username === 'alice') && resolve()));
    await alice.deleteAccount(PASSWORDS.alice ?? '');
    expect(alice.user).toBeUndefined();
    expect(await gone).toBe('deleted');
    expect(await bobSaw).toMatchObject({ username: 'alice', state: 'none' });
    await groupRemoved;

    // Others' view: no contact, the group without her (bob owns it now), her messages tombstones.
    expect((await bob.contacts.list()).map((c) => c.username)).not.toContain('alice');
    expect((await carol.contacts.list()).map((c) => c.username)).not.toContain('alice');
    const after = await bob.conversations.get(group.id);
    expect(after.members.map((m) => m.username).sort()).toEqual(['bob', 'carol']);
    expect(after.members.find((m) => m.username === 'bob')?.role).toBe('owner');
    const page = await bob.messages.page(direct.id);
    const hers = page.messages.filter((m) => m.sender === 'alice' && m.contentType !== MLS_COMMIT);
    expect(hers.length).toBeGreaterThan(0);
    expect(hers.every((m) => m.deleted)).toBe(true);
    expect(page.messages.find((m) => m.sender === 'bob' && !m.deleted && m.contentType !== MLS_COMMIT)).toBeDefined();

    // Log-in fails; the name cannot be registered again; prelogin answers like a name without an account.
    await expect(t.client().login('alice', PASSWORDS.alice ?? '')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(t.client().signup('alice', 'another-strong-pass-77')).rejects.toMatchObject({ code: 'USERNAME_TAKEN' });
    // Her upload's bytes are gone.
    if (!t.db.postgresUrl) expect(blobFilesBefore).toBeGreaterThan(0);
    expect(filesUnder(t.db.dataDir).filter((f) => f.includes(upload.blobId))).toEqual([]);

    // Bob's client commits her devices out of the group's MLS state before it next sends there.
    await bob.messages.send(group.id, 'after-alice');

    // Every table, every row: what still names her is only what must stay (docs/SECURITY.md, "Deleting an account").
    const tables = await allRows(t.db);
    const directIds = new Set((tables.get('conversations') ?? []).filter((c) => c.kind === 'direct').map((c) => String(c.id)));
    const allowed: Record<string, (row: Row) => boolean> = {
      users: (r) => r.id === aliceId && r.auth_hash === '' && r.kdf_salt === '' && r.deleted_at !== null,
      messages: (r) => r.sender_id === aliceId && (r.content_type === MLS_COMMIT || (r.deleted_at !== null && (r.body as Uint8Array).length === 0)),
      conversation_members: (r) => r.user_id === aliceId && directIds.has(String(r.conversation_id)),
      conversations: (r) => r.kind === 'direct',
      account_signals: (r) => r.user_id === aliceId && r.reason === 'deleted',
    };
    const leftovers: string[] = [];
    let reservation = 0;
    for (const [table, rows] of tables) {
      for (const row of rows) {
        if (!rowMentions(row, aliceId)) continue;
        if (table === 'users') reservation++;
        if (!allowed[table]?.(row)) leftovers.push(`${table}: ${JSON.stringify(row, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v))}`);
      }
    }
    expect(leftovers).toEqual([]);
    expect(reservation).toBe(1);
    // Her messages' text was never on the server; her user name is in no text column but the reservation's.
    for (const [table, rows] of tables) {
      for (const row of rows) {
        const named = Object.values(row).some((v) => typeof v === 'string' && v.toLowerCase() === 'alice');
        if (named) expect(table).toBe('users');
      }
    }
  });
});
