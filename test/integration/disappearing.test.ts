/**
 * Disappearing messages and the privacy switches against a real server (both dialects): the server's clock is a
 * ManualClock, moved past a message's expiry, and the sweep is run at once, so nothing here waits for time to pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadEvent, TypingEvent } from '../../src/protocol/index.js';
import { ManualClock } from '../../src/server/clock.js';
import { sweepExpiredMessages } from '../../src/server/commands/messages/expire-messages.js';
import type { Message, ParleyClient, SecretStore } from '../../src/sdk/index.js';
import { realtimeOf } from '../support/e2ee.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, eventually, inbox, PASSWORDS, signedIn } from '../support/users.js';

/** A device's store that can be searched for a plaintext (the Node store keeps values as they are given). */
class InspectableStore implements SecretStore {
  readonly data = new Map<string, Uint8Array>();
  get(key: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.data.get(key)?.slice());
  }
  write(entries: ReadonlyMap<string, Uint8Array | undefined>): Promise<void> {
    for (const [k, v] of entries) {
      if (v === undefined) this.data.delete(k);
      else this.data.set(k, v.slice());
    }
    return Promise.resolve();
  }
  holds(text: string): boolean {
    const needle = Buffer.from(text);
    return [...this.data.values()].some((v) => Buffer.from(v).includes(needle));
  }
}

const FIVE_MINUTES = 300;
const shown = (client: ParleyClient, conversationId: string) => client.engine.getState().windows[conversationId]?.messages ?? [];

describe(`disappearing messages (${dialect})`, () => {
  let t: TestServer;
  const clock = new ManualClock();
  let alice: ParleyClient;
  let bob: ParleyClient;
  let carol: ParleyClient;
  const stores = { alice: new InspectableStore(), bob: new InspectableStore() };
  let direct: string;
  let group: string;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    t = await startTestServer({ clock });
    alice = await signedIn(t, 'alice', { secretStore: stores.alice });
    bob = await signedIn(t, 'bob', { secretStore: stores.bob });
    carol = await signedIn(t, 'carol');
    clients.push(alice, bob, carol);
    await befriend(alice, bob);
    await befriend(alice, carol);
    direct = (await alice.conversations.openDirect('bob')).id;
    group = (await alice.conversations.createGroup('Trip', ['bob', 'carol'])).id;
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  it('a 5-minute timer: after expiry the message is gone from the database and from every device’s view, vault and search', async () => {
    const bobInbox = inbox(bob);
    const bobUpdates: Message[] = [];
    bob.on('messageUpdated', (m) => bobUpdates.push(m));
    const aliceUpdates: Message[] = [];
    alice.on('messageUpdated', (m) => aliceUpdates.push(m));

    const conversation = await alice.conversations.setDisappearing(direct, FIVE_MINUTES);
    expect(conversation.disappearingSeconds).toBe(FIVE_MINUTES);
    // The change is announced in the log, to every member, by who made it.
    await eventually(() => bobInbox.some((m) => m.notice?.kind === 'disappearing'), 5_000, 'bob sees the timer notice');
    const notice = bobInbox.find((m) => m.notice);
    expect(notice).toMatchObject({ sender: 'alice', notice: { kind: 'disappearing', seconds: FIVE_MINUTES }, expiresAt: null });
    expect((await bob.conversations.get(direct)).disappearingSeconds).toBe(FIVE_MINUTES);

    await Promise.all([alice.engine.open(direct), bob.engine.open(direct)]);
    const canary = 'quokka-canary-disappears-at-noon';
    const storedAt = clock.now();
    const sent = await alice.messages.send(direct, {
      text: canary,
      attachments: [{ name: 'plan.txt', type: 'text/plain', data: new TextEncoder().encode('a file that disappears too') }],
    });
    await eventually(() => bobInbox.some((m) => m.id === sent.id), 10_000, 'bob receives the message');
    // Its expiry comes from the server's clock at store time and the conversation's timer.
    expect(Date.parse(bobInbox.find((m) => m.id === sent.id)?.expiresAt ?? '')).toBe(storedAt + FIVE_MINUTES * 1000);
    await eventually(() => shown(bob, direct).some((m) => m.id === sent.id), 5_000, 'bob shows it');
    expect((await bob.search('quokka')).map((h) => h.message.id)).toEqual([sent.id]);
    const db = t.server.deps.db;
    expect(await db.selectFrom('blobs').select('id').where('message_id', '=', sent.id).execute()).toHaveLength(1);

    // Not yet: a minute before its expiry the sweep leaves it.
    clock.advance((FIVE_MINUTES - 60) * 1000);
    expect(await sweepExpiredMessages(t.server.deps)).toBe(0);
    expect(shown(bob, direct).some((m) => m.id === sent.id)).toBe(true);

    clock.advance(61 * 1000);
    expect(await sweepExpiredMessages(t.server.deps)).toBe(1);
    await eventually(() => bobUpdates.some((m) => m.id === sent.id && m.expired === true), 5_000, 'bob hears it expired');
    await eventually(() => aliceUpdates.some((m) => m.id === sent.id && m.expired === true), 5_000, 'alice hears it expired');

    // The server: no ciphertext, no file, no vault copy of its content.
    const row = await db.selectFrom('messages').select(['body', 'deleted_at']).where('id', '=', sent.id).executeTakeFirstOrThrow();
    expect(row.body.byteLength).toBe(0);
    expect(row.deleted_at).not.toBeNull();
    expect(await db.selectFrom('blobs').select('id').where('message_id', '=', sent.id).execute()).toEqual([]);

    // Every device: gone from the view, the preview, the search index and the store (plaintext and index).
    for (const [name, client] of [['alice', alice], ['bob', bob]] as const) {
      expect(shown(client, direct).some((m) => m.id === sent.id), `${name}'s view`).toBe(false);
      expect(client.engine.getState().conversations[direct]?.preview?.id, `${name}'s preview`).not.toBe(sent.id);
      expect(await client.search('quokka'), `${name}'s search`).toEqual([]);
      await client.searchIndex.flush();
      expect(stores[name].holds(canary), `${name}'s store`).toBe(false);
    }
    // No device puts a vault record of it back: once a later message's copies (queued after the erasure) are stored by
    // both, the expired one has none.
    const marker = await alice.messages.send(direct, 'after the expiry');
    await eventually(() => bobInbox.some((m) => m.id === marker.id), 10_000, 'bob receives the marker');
    const vaultSeqs = async () => (await db.selectFrom('vault_records').select('seq').where('conversation_id', '=', direct).execute()).map((r) => r.seq);
    let seqs: number[] = [];
    await eventually(() => {
      void vaultSeqs().then((s) => (seqs = s));
      return seqs.filter((s) => s === marker.seq).length === 2;
    }, 10_000, 'both vault copies of the marker stored');
    expect(seqs.filter((s) => s === sent.seq)).toEqual([]);
    // A history read again shows nothing of it, and neither does a new device reading bob's vault.
    expect((await bob.messages.history(direct)).some((m) => m.id === sent.id)).toBe(false);
    const bob2 = t.client();
    clients.push(bob2);
    await bob2.login('bob', PASSWORDS.bob ?? '');
    await bob2.connect();
    const fresh = await bob2.messages.history(direct);
    expect(fresh.some((m) => m.id === sent.id || m.text.includes('quokka'))).toBe(false);
    expect(fresh.some((m) => m.notice?.seconds === FIVE_MINUTES)).toBe(true);
  });

  it('turning the timer off announces it and new messages carry no expiry', async () => {
    const conversation = await bob.conversations.setDisappearing(direct, null);
    expect(conversation.disappearingSeconds).toBeNull();
    const after = await alice.messages.send(direct, 'this one stays');
    const dto = (await realtimeOf(alice).request('messages:after', { conversationId: direct, after: after.seq - 1 })).messages[0];
    expect(dto?.expiresAt).toBeNull();
  });

  it('in a group only admins set the timer: a member is refused and nothing changes', async () => {
    const before = await alice.conversations.get(group);
    await expect(bob.conversations.setDisappearing(group, 3_600)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const after = await alice.conversations.get(group);
    expect(after.disappearingSeconds ?? null).toBeNull();
    expect(after.lastSeq).toBe(before.lastSeq);
    expect((await alice.conversations.setDisappearing(group, 3_600)).disappearingSeconds).toBe(3_600);
  });

  it('a timer that is not one of the offered values is refused with a clear error, and nothing changes', async () => {
    const before = await alice.conversations.get(direct);
    await expect(alice.conversations.setDisappearing(direct, 42)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('seconds must be one of 300, 3600, 86400, 604800') as unknown,
    });
    const after = await alice.conversations.get(direct);
    expect(after.disappearingSeconds).toBe(before.disappearingSeconds);
    expect(after.lastSeq).toBe(before.lastSeq);
    // Nor can a client forge the server's notice.
    await expect(
      realtimeOf(alice).request('messages:send', {
        conversationId: direct, clientKey: 'forged-notice-1', contentType: 'application/vnd.parley.disappearing+json', body: new TextEncoder().encode('{"seconds":null}'),
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe(`privacy switches (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let carol: ParleyClient;
  let group: string;

  beforeAll(async () => {
    t = await startTestServer();
    [alice, bob, carol] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'bob'), signedIn(t, 'carol')]);
    await befriend(alice, bob);
    await befriend(alice, carol);
    group = (await alice.conversations.createGroup('Switches', ['bob', 'carol'])).id;
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol]) c.close();
    await t?.close();
  });

  it('settings persist per user, on the server, for all their devices; a bad value is refused', async () => {
    expect(await bob.privacy.get()).toEqual({ readReceipts: true, typingIndicators: true, disappearingSeconds: null });
    expect(await bob.privacy.set({ readReceipts: false, typingIndicators: false })).toEqual({ readReceipts: false, typingIndicators: false, disappearingSeconds: null });
    const bob2 = t.client();
    await bob2.login('bob', PASSWORDS.bob ?? '');
    await bob2.connect();
    expect(await bob2.privacy.get()).toMatchObject({ readReceipts: false, typingIndicators: false });
    bob2.close();
    await expect(bob.privacy.set({ disappearingSeconds: 7 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('bob with read receipts and typing off: alice never hears his reading or typing; carol’s she does', async () => {
    const reads: ReadEvent[] = [];
    const typing: TypingEvent[] = [];
    alice.on('read', (r) => reads.push(r));
    alice.on('typing', (e) => typing.push(e));
    const bobReads: ReadEvent[] = [];
    bob.on('read', (r) => bobReads.push(r));
    const m = await alice.messages.send(group, 'who reads this?');
    await bob.messages.markRead(group, m.seq);
    // The server withholds bob's typing even if a client sends it anyway.
    await realtimeOf(bob).request('typing', { conversationId: group });
    await bob.conversations.typing(group);
    // carol's, after bob's, are the markers: once they arrived, bob's would have too.
    await carol.messages.markRead(group, m.seq);
    await carol.conversations.typing(group);
    await eventually(() => reads.some((r) => r.username === 'carol'), 5_000, 'alice sees carol read it');
    await eventually(() => typing.some((e) => e.username === 'carol'), 5_000, 'alice sees carol typing');
    expect(reads.filter((r) => r.username === 'bob')).toEqual([]);
    expect(typing.filter((e) => e.username === 'bob')).toEqual([]);
    // bob, sharing no receipts, sees no one's: carol's read of a newer message does not reach him.
    const n = await alice.messages.send(group, 'and this?');
    await carol.messages.markRead(group, n.seq);
    await bob.messages.markRead(group, n.seq);
    await eventually(() => reads.some((r) => r.username === 'carol' && r.seq === n.seq), 5_000, 'alice sees carol read the second');
    await eventually(() => bobReads.some((r) => r.username === 'bob' && r.seq === n.seq), 5_000, 'bob’s own devices hear his read');
    expect(bobReads.filter((r) => r.username !== 'bob')).toEqual([]);
  });
});
