/** Several devices per user through the SDK: a new, empty client is a new device that joins at once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, ParleyClient } from '../../src/sdk/index.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { PASSWORDS, befriend, eventually, inbox, signedIn } from '../support/users.js';

describe(`devices through the SDK (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let direct: string;
  let aliceInbox: Message[];
  let bobInbox: Message[];
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    [alice, bob] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'bob')]);
    clients.push(alice, bob);
    await befriend(alice, bob);
    [aliceInbox, bobInbox] = [inbox(alice), inbox(bob)];
    direct = (await alice.conversations.openDirect('bob')).id;
    await alice.messages.send(direct, 'before the second device');
    await eventually(() => bobInbox.length === 1, 5_000, 'bob reads');
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  it('bob logs in on a second, empty client: it joins his conversations at once, reads what comes next, and writes', async () => {
    const bobPhone = t.client();
    clients.push(bobPhone);
    await bobPhone.login('bob', PASSWORDS.bob ?? '');
    await bobPhone.connect();
    const phoneInbox = inbox(bobPhone);
    const phoneId = bobPhone.encryption.deviceId();
    expect(phoneId).toBeDefined();
    expect(phoneId).not.toBe(bob.encryption.deviceId());
    // It joined without writing anything first.
    let joined = false;
    for (let i = 0; i < 100 && !joined; i++) {
      joined = (await bobPhone.encryption.state(direct)) !== undefined;
      if (!joined) await new Promise((r) => setTimeout(r, 50));
    }
    expect(joined).toBe(true);

    const hello = await alice.messages.send(direct, 'to both of bob\'s devices');
    await eventually(() => phoneInbox.some((m) => m.id === hello.id) && bobInbox.some((m) => m.id === hello.id), 5_000, 'both devices read');
    expect(phoneInbox.find((m) => m.id === hello.id)).toMatchObject({ text: 'to both of bob\'s devices', decryptionError: null });

    const reply = await bobPhone.messages.send(direct, 'from bob\'s phone');
    await eventually(() => aliceInbox.some((m) => m.id === reply.id) && bobInbox.some((m) => m.id === reply.id), 5_000, 'alice and bob\'s first device read');
    expect(aliceInbox.find((m) => m.id === reply.id)).toMatchObject({ sender: 'bob', text: 'from bob\'s phone', decryptionError: null });
    expect(bobInbox.find((m) => m.id === reply.id)?.text).toBe('from bob\'s phone');

    const devices = (await alice.encryption.state(direct))!.devices.filter((d) => d.username === 'bob').map((d) => d.deviceId).sort();
    expect(devices).toEqual([bob.encryption.deviceId(), phoneId].sort());
  });
});
