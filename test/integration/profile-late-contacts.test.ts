/**
 * The profile key reaches people who come after it was shared: a user who becomes a contact later, and a member who
 * joins a shared group later, read the profile without its owner changing anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/sdk/index.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, signedIn } from '../support/users.js';

/** The next `profileKey` event about `username` (the key arrived inside MLS). */
const nextKey = (client: ParleyClient, username: string) =>
  new Promise<void>((resolve) => {
    const handler = (u: string) => {
      if (u !== username) return;
      client.off('profileKey', handler);
      resolve();
    };
    client.on('profileKey', handler);
  });

describe(`the profile key reaches later contacts and members (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let carol: ParleyClient;

  beforeAll(async () => {
    t = await startTestServer();
    [alice, bob, carol] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'bob'), signedIn(t, 'carol')]);
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol]) c.close();
    await t.close();
  });

  it('bob becomes alice’s contact after she set her name: he reads it without her changing anything', async () => {
    await alice.profile.set({ displayName: 'Alice Before Bob' });
    await expect(bob.profile.get('alice')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const keyArrived = nextKey(bob, 'alice');
    await befriend(bob, alice);
    await keyArrived;
    expect(await bob.profile.get('alice')).toMatchObject({ version: 1, displayName: 'Alice Before Bob' });
    // alice changed nothing: still the first version.
    expect((await alice.profile.get('alice')).version).toBe(1);
  });

  it('carol joins a group alice is in after alice set her name: she reads it too', async () => {
    await befriend(bob, carol);
    const group = await bob.conversations.createGroup('Later', ['alice']);
    await expect(carol.profile.get('alice')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const keyArrived = nextKey(carol, 'alice');
    await bob.conversations.addMember(group.id, 'carol');
    await keyArrived;
    expect(await carol.profile.get('alice')).toMatchObject({ version: 1, displayName: 'Alice Before Bob' });
  });
});
