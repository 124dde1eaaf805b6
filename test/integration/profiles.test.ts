import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileChangedEvent } from '../../src/protocol/profiles.js';
import { MemoryStore, type ParleyClient } from '../../src/sdk/index.js';
import { databaseBytes } from '../support/database.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { allRows, rowMentions } from '../support/table-walk.js';
import { befriend, PASSWORDS, signedIn } from '../support/users.js';

const CANARY = 'Ålice-Canary-名前-7Q';
const NEWER = 'Alice-Renamed-Canary-9Z';

/** The next `profileKey` event about `username`: the key arrived inside MLS and is kept in the device's store. */
const nextKey = (client: ParleyClient, username: string) =>
  new Promise<void>((resolve) => {
    const handler = (u: string) => {
      if (u !== username) return;
      client.off('profileKey', handler);
      resolve();
    };
    client.on('profileKey', handler);
  });

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

describe(`profiles only contacts can read (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let carol: ParleyClient;
  const bobStore = new MemoryStore();

  beforeAll(async () => {
    t = await startTestServer();
    alice = await signedIn(t, 'alice');
    bob = await signedIn(t, 'bob', { secretStore: bobStore });
    carol = await signedIn(t, 'carol');
    await befriend(alice, bob);
    await alice.conversations.openDirect('bob');
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol]) c.close();
    await t.close();
  });

  it('alice sets a name; bob, her contact, gets it live and after a new log-in; carol gets NOT_FOUND; the disk holds no plain name', async () => {
    const live = nextChange(bob, 'alice');
    const keyArrived = nextKey(bob, 'alice');
    const mine = await alice.profile.set({ displayName: CANARY });
    expect(mine).toMatchObject({ version: 1, displayName: CANARY, avatar: null });
    expect((await live).version).toBe(1);
    await keyArrived;
    expect((await bob.profile.get('alice')).displayName).toBe(CANARY);

    // A reload: a new client on the device's store reads the key it kept.
    bob.close();
    bob = t.client({ secretStore: bobStore });
    await bob.login('bob', PASSWORDS.bob ?? '');
    await bob.connect();
    expect((await bob.profile.get('alice')).displayName).toBe(CANARY);

    // A change under the same key: live event, new version, opened at once.
    const changed = nextChange(bob, 'alice');
    await alice.profile.set({ displayName: `${CANARY}-2` });
    expect((await changed).version).toBe(2);
    expect((await bob.profile.get('alice')).displayName).toBe(`${CANARY}-2`);

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
    const before = await bob.profile.get('alice');
    await alice.contacts.remove('bob');
    // The key was rotated (the profile sealed again under a new key bob never received).
    expect((await alice.profile.get('alice')).version).toBe(before.version + 1);
    const aliceSaw = nextChange(alice, 'alice');
    await alice.profile.set({ displayName: NEWER });
    expect((await aliceSaw).version).toBeGreaterThan(1);
    await expect(bob.profile.get('alice')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await alice.profile.get('alice')).displayName).toBe(NEWER);
  });
});
