import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileChangedEvent } from '../../src/protocol/profiles.js';
import type { MemoryProfileKeyRing, ParleyClient } from '../../src/sdk/index.js';
import { databaseBytes } from '../support/database.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { allRows, rowMentions } from '../support/table-walk.js';
import { befriend, PASSWORDS, signedIn } from '../support/users.js';

const CANARY = 'Ålice-Canary-名前-7Q';
const NEWER = 'Alice-Renamed-Canary-9Z';

/** The next `profile` event about `username` on this client (a marker event, no sleeps). */
const nextChange = (client: ParleyClient, username: string) =>
  new Promise<ProfileChangedEvent>((resolve) => {
    const handler = (p: ProfileChangedEvent) => {
      if (p.username !== username) return;
      client.off('profile', handler);
      resolve(p);
    };
    client.on('profile', handler);
  });

/**
 * The keys the end-to-end layer would hand a client: until the profile key travels inside MLS, the test passes it
 * from alice's ring to bob's, exactly the bytes MLS would carry.
 */
const ring = (c: ParleyClient) => c.profile.keys as MemoryProfileKeyRing;

describe(`profiles only contacts can read (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let carol: ParleyClient;

  beforeAll(async () => {
    t = await startTestServer();
    alice = await signedIn(t, 'alice');
    bob = await signedIn(t, 'bob');
    carol = await signedIn(t, 'carol');
    await befriend(alice, bob);
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol]) c.close();
    await t.close();
  });

  it('alice sets a name; bob, her contact, gets it live and after a new log-in; carol gets NOT_FOUND; the disk holds no plain name', async () => {
    const aliceId = alice.user?.id ?? '';
    const live = nextChange(bob, 'alice');
    const mine = await alice.profile.set({ displayName: CANARY });
    expect(mine).toMatchObject({ version: 1, displayName: CANARY, avatar: null });
    expect((await live).version).toBe(1);

    const key = await ring(alice).own();
    expect(key).toBeDefined();
    if (!key) return;
    // Without the key bob sees that a profile exists, never what it says.
    expect((await bob.profile.get('alice')).displayName).toBeNull();
    ring(bob).learn(aliceId, key);
    expect((await bob.profile.get('alice')).displayName).toBe(CANARY);

    const bobAgain = t.client();
    await bobAgain.login('bob', PASSWORDS.bob ?? '');
    ring(bobAgain).learn(aliceId, key);
    expect((await bobAgain.profile.get('alice')).displayName).toBe(CANARY);
    bobAgain.close();

    await expect(carol.profile.get('alice')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(carol.profile.get('no-such-user')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(carol.profile.get('bob')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const disk = await databaseBytes(t.db);
    for (const form of [Buffer.from(CANARY), Buffer.from(CANARY, 'utf16le'), Buffer.from(Buffer.from(CANARY).toString('base64url'))]) {
      expect(disk.includes(form)).toBe(false);
    }
    for (const [table, rows] of await allRows(t.db)) {
      expect(rows.filter((r) => rowMentions(r, CANARY)).map(() => table)).toEqual([]);
    }
  });

  it('a stale version is a CONFLICT and changes nothing; a blob sealed for another version does not open', async () => {
    const res = await fetch(new URL('/api/profile', t.url), { method: 'PUT' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const before = await bob.profile.get('alice');
    await expect(alice.profile.set({ displayName: '' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(alice.profile.set({ displayName: 'x'.repeat(65) })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await bob.profile.get('alice')).version).toBe(before.version);
  });

  it('after alice removes bob as a contact and renames herself, bob no longer gets her profile', async () => {
    await alice.contacts.remove('bob');
    const aliceSaw = nextChange(alice, 'alice');
    await alice.profile.set({ displayName: NEWER });
    expect((await aliceSaw).version).toBeGreaterThan(1);
    await expect(bob.profile.get('alice')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await alice.profile.get('alice')).displayName).toBe(NEWER);
  });
});
