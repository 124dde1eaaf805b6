/**
 * A device whose leaf is in a conversation's MLS group while the device holds no state for it (the server stored its
 * mls:init but the answer was lost; or it dropped its state to resync and the resync failed) must not stay locked
 * out: no writer adds it again (its leaf is there), so it replaces that leaf itself, and reads and writes what comes
 * next. Found by the chaos run: a SIGKILL during the first group set-ups left alice unable to read or write in her
 * direct conversation for the rest of the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLS_COMMIT } from '../../src/protocol/e2e.js';
import type { ClientEventName } from '../../src/protocol/realtime.js';
import { ParleyError, UNDECRYPTABLE, type Message, type ParleyClient } from '../../src/sdk/index.js';
import type { Realtime } from '../../src/sdk/realtime.js';
import { realtimeOf, storedLog, tamperStoredBody } from '../support/e2ee.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { PASSWORDS, befriend, eventually, inbox, signedIn } from '../support/users.js';

type Fault = (event: ClientEventName, forward: () => Promise<unknown>) => Promise<unknown>;

/** A signed-in client whose end-to-end layer asks the server through `fault` (set it to inject a failure). */
async function withFaults(t: TestServer, username: string): Promise<{ client: ParleyClient; fault: { current: Fault | undefined } }> {
  const client = t.client();
  await client.signup(username, PASSWORDS[username] ?? `${username}-harbor-lantern-93`);
  const realtime = realtimeOf(client);
  const request = realtime.request.bind(realtime);
  const fault: { current: Fault | undefined } = { current: undefined };
  // The layer binds the requester when it opens (in connect()): patch it before.
  realtime.request = ((event: ClientEventName, payload: never, timeoutMs?: number) => {
    const forward = () => request(event, payload, timeoutMs);
    return fault.current ? fault.current(event, forward) : forward();
  }) as Realtime['request'];
  await client.connect();
  return { client, fault };
}

describe(`a device stranded outside its group rejoins (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let aliceFault: { current: Fault | undefined };
  let bob: ParleyClient;
  let carol: ParleyClient;
  let dave: ParleyClient;
  let aliceInbox: Message[];

  beforeAll(async () => {
    t = await startTestServer();
    ({ client: alice, fault: aliceFault } = await withFaults(t, 'alice'));
    [bob, carol, dave] = await Promise.all([signedIn(t, 'bob'), signedIn(t, 'carol'), signedIn(t, 'dave')]);
    await befriend(alice, bob);
    await befriend(alice, carol);
    await befriend(alice, dave);
    aliceInbox = inbox(alice);
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol, dave]) c?.close();
    await t?.close();
  });

  it('mls:init stored but its answer lost: the same init again gets the same answer, and alice keeps her group', async () => {
    const direct = (await alice.conversations.openDirect('dave')).id;
    let lost = 0;
    aliceFault.current = async (event, forward) => {
      const answer = await forward();
      if (event !== 'mls:init' || lost++ > 0) return answer;
      throw new ParleyError('NETWORK', 'No answer to mls:init: operation has timed out');
    };
    const sent = await alice.messages.send(direct, 'alice to dave');
    aliceFault.current = undefined;
    expect(lost).toBe(2);
    const daveSees = await dave.messages.history(direct);
    expect(daveSees.find((m) => m.id === sent.id)).toMatchObject({ text: 'alice to dave', decryptionError: null });
    // One commit (alice adds dave): alice's first leaf was not replaced.
    expect((await storedLog(dave, direct)).filter((m) => m.contentType === MLS_COMMIT)).toHaveLength(1);
    expect((await alice.encryption.state(direct))?.epoch).toBe(1);
  });

  it('mls:init stored, its answer lost, and bob joined before alice asked again: alice rejoins, and both read what comes next', async () => {
    const direct = (await alice.conversations.openDirect('bob')).id;
    const socket = realtimeOf(alice).socket!;
    let lost = false;
    aliceFault.current = async (event, forward) => {
      const answer = await forward();
      if (event !== 'mls:init' || lost) return answer;
      // Stored; then the connection dies before the answer arrives.
      lost = true;
      socket.disconnect();
      throw new ParleyError('NETWORK', 'No answer to mls:init: socket has been disconnected');
    };
    const first = alice.messages.send(direct, 'alice, first');
    first.catch(() => undefined);
    await eventually(() => lost, 10_000, 'the lost answer');
    aliceFault.current = undefined;

    // Meanwhile bob writes: he joins the group alice's mls:init made (her leaf is in it, her state is not).
    const early = await bob.messages.send(direct, 'bob, while alice is away');
    socket.connect();
    expect((await first).text).toBe('alice, first');
    await eventually(() => aliceInbox.some((m) => m.id === early.id), 10_000, 'alice hears of bob\'s early message');

    const later = await bob.messages.send(direct, 'bob, later');
    await eventually(() => aliceInbox.some((m) => m.id === later.id), 10_000, 'bob\'s later message at alice');
    expect(aliceInbox.find((m) => m.id === later.id)).toMatchObject({ text: 'bob, later', decryptionError: null });
    const reply = await alice.messages.send(direct, 'alice, reply');
    const bobSees = await bob.messages.history(direct);
    expect(bobSees.find((m) => m.id === reply.id)).toMatchObject({ text: 'alice, reply', decryptionError: null });

    const [a, b] = [(await alice.encryption.state(direct))!, (await bob.encryption.state(direct))!];
    expect(a.authenticator).toBe(b.authenticator);
    expect(a.devices.filter((d) => d.username === 'alice')).toEqual([{ username: 'alice', deviceId: alice.encryption.deviceId() }]);
  });

  it('a reader whose resync failed (its leaf left without state) rejoins on the next message and reads from then on', async () => {
    const direct = (await carol.conversations.openDirect('alice')).id;
    const hello = await carol.messages.send(direct, 'carol, hello');
    await eventually(() => aliceInbox.some((m) => m.id === hello.id), 10_000, 'alice joined and reads');
    expect(aliceInbox.find((m) => m.id === hello.id)).toMatchObject({ text: 'carol, hello', decryptionError: null });

    // Alice misses a commit she then cannot process (tampered), and her resync meets a network failure.
    const socket = realtimeOf(alice).socket!;
    socket.disconnect();
    await carol.encryption.updateKeys(direct);
    const commit = (await storedLog(carol, direct)).filter((m) => m.contentType === MLS_COMMIT).at(-1)!;
    await tamperStoredBody(t, commit.id);
    const missed = await carol.messages.send(direct, 'carol, in an epoch alice cannot enter');
    let failures = 0;
    aliceFault.current = async (event, forward) => {
      if (event !== 'mls:groupInfo') return forward();
      failures++;
      throw new ParleyError('NETWORK', 'No answer to mls:groupInfo: timeout');
    };
    socket.connect();
    await eventually(() => aliceInbox.some((m) => m.id === missed.id), 10_000, 'alice hears of the message she cannot read');
    expect(aliceInbox.find((m) => m.id === missed.id)).toMatchObject({ decryptionError: UNDECRYPTABLE.notJoined });
    expect(failures).toBeGreaterThan(0);
    aliceFault.current = undefined;

    // Alice only reads here; carol writes on. The next message is meant for alice's stranded leaf; alice replaces
    // it on reading that message, so what carol writes after it is readable.
    const next = await carol.messages.send(direct, 'carol, next');
    await eventually(() => aliceInbox.some((m) => m.id === next.id), 10_000, 'carol\'s next message at alice');
    const after = await carol.messages.send(direct, 'carol, after');
    await eventually(() => aliceInbox.some((m) => m.id === after.id), 10_000, 'carol\'s message after that at alice');
    expect(aliceInbox.find((m) => m.id === after.id)).toMatchObject({ text: 'carol, after', decryptionError: null });
    const [a, c] = [(await alice.encryption.state(direct))!, (await carol.encryption.state(direct))!];
    expect(a.authenticator).toBe(c.authenticator);
    expect(a.devices.filter((d) => d.username === 'alice')).toEqual([{ username: 'alice', deviceId: alice.encryption.deviceId() }]);
  });
});
