import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDto } from '../../src/protocol/messages.js';
import type { MlsIntent } from '../../src/server/commands/e2e/mls-log.js';
import type { PendingSend } from '../../src/server/commands/messages/send-types.js';
import type { ParleyClient } from '../../src/sdk/index.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, eventually, inbox, signedIn } from '../support/users.js';

// The group commit of sends (src/server/commands/messages/send-queue.ts): sends submitted together are stored in one
// transaction with exactly the result of storing them one by one.
describe(`group commit of sends (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let carol: ParleyClient;
  let users: Record<'alice' | 'bob' | 'carol', string>;
  let direct: string;
  let group: string;

  beforeAll(async () => {
    t = await startTestServer();
    // Plain text: this checks the server's batching of sends; MLS sends are covered by the MLS-step test below.
    const plain = { encryption: 'none' } as const;
    [alice, bob, carol] = await Promise.all([signedIn(t, 'alice', plain), signedIn(t, 'bob', plain), signedIn(t, 'carol', plain)]);
    await befriend(alice, bob);
    await befriend(alice, carol);
    direct = (await alice.conversations.openDirect('bob')).id;
    group = (await alice.conversations.createGroup('batch', ['bob', 'carol'])).id;
    const id = (c: ParleyClient) => c.user?.id ?? '';
    users = { alice: id(alice), bob: id(bob), carol: id(carol) };
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol]) c.close();
    await t.close();
  });

  const names = { alice: 'alice', bob: 'bob', carol: 'carol' } as const;
  const pending = (who: keyof typeof names, conversationId: string, clientKey: string, mls?: MlsIntent): PendingSend => ({
    row: {
      id: crypto.randomUUID(),
      conversation_id: conversationId,
      seq: 0,
      sender_id: users[who],
      client_key: clientKey,
      content_type: 'text/plain',
      body: new TextEncoder().encode(clientKey),
      created_at: Date.now(),
      edited_at: null,
      deleted_at: null,
    },
    senderName: names[who],
    blobIds: [],
    mls,
  });

  /** Submits every send in the same turn of the event loop, so that they form one batch. */
  const submitTogether = (sends: PendingSend[]) => Promise.allSettled(sends.map((s) => t.server.deps.sends.submit(s)));

  const stored = async (conversationId: string) =>
    t.server.deps.db.selectFrom('messages').select(['id', 'seq', 'sender_id', 'client_key'])
      .where('conversation_id', '=', conversationId).orderBy('seq').execute();

  /** The message as the wire carries it (the body's bytes, whatever their Buffer/Uint8Array class). */
  const fulfilled = (r: PromiseSettledResult<MessageDto>) => {
    if (r.status !== 'fulfilled') throw new Error(`expected a stored message, got ${String(r.reason)}`);
    return { ...r.value, body: [...r.value.body] };
  };
  const refusal = (r: PromiseSettledResult<MessageDto>): unknown => {
    if (r.status !== 'rejected') throw new Error(`expected a refusal, got seq ${r.value.seq}`);
    return r.reason;
  };

  it('stores a burst in one transaction: gapless seqs in arrival order, a key repeated in the batch stored once', async () => {
    const before = { ...t.server.deps.sends.stats };
    const sends: PendingSend[] = [];
    for (let i = 0; i < 40; i++) {
      const who = (['alice', 'bob', 'carol'] as const)[i % 3] ?? 'alice';
      sends.push(pending(who, i % 2 === 0 ? group : who === 'carol' ? group : direct, `burst-${i}`));
    }
    // Retries inside the same batch: same sender and key as an earlier send (a new row id, as a retry would build).
    sends.push(pending('alice', group, 'burst-0'), pending('bob', direct, 'burst-1'), pending('alice', group, 'burst-0'));
    // The same key in another conversation: CONFLICT, as if it came after its first use.
    sends.push(pending('alice', direct, 'burst-0'));

    const results = await submitTogether(sends);
    const after = t.server.deps.sends.stats;
    expect(after.batches - before.batches).toBe(1);
    expect(after.splits - before.splits).toBe(0);

    const messages = results.slice(0, 40).map(fulfilled);
    expect(fulfilled(results[40] as PromiseSettledResult<MessageDto>)).toEqual(messages[0]);
    expect(fulfilled(results[41] as PromiseSettledResult<MessageDto>)).toEqual(messages[1]);
    expect(fulfilled(results[42] as PromiseSettledResult<MessageDto>)).toEqual(messages[0]);
    expect(refusal(results[43] as PromiseSettledResult<MessageDto>)).toMatchObject({ code: 'CONFLICT' });

    for (const conversationId of [direct, group]) {
      const rows = await stored(conversationId);
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      expect(new Set(rows.map((r) => `${r.sender_id}:${r.client_key}`)).size).toBe(rows.length);
      // Arrival order: the batch's sends to this conversation took their seqs in the order they were submitted.
      const keys = sends.slice(0, 40).filter((s) => s.row.conversation_id === conversationId).map((s) => s.row.client_key);
      expect(rows.map((r) => r.client_key)).toEqual(keys);
    }
    expect(messages.filter((m) => m.conversationId === group).length + messages.filter((m) => m.conversationId === direct).length).toBe(40);
  });

  it('answers a retry of a message stored by an earlier batch with the stored message, writing nothing', async () => {
    const [first] = (await submitTogether([pending('bob', group, 'again-1')])).map(fulfilled);
    if (!first) throw new Error('no first message');
    const rowsBefore = await stored(group);
    const [retry, fresh] = await submitTogether([pending('bob', group, 'again-1'), pending('bob', group, 'again-2')]);
    expect(fulfilled(retry as PromiseSettledResult<MessageDto>)).toEqual(first);
    expect(fulfilled(fresh as PromiseSettledResult<MessageDto>).seq).toBe(first.seq + 1);
    expect((await stored(group)).length).toBe(rowsBefore.length + 1);
  });

  it('refuses a stale MLS send alone: its writes roll back, the others are stored without a gap', async () => {
    const before = { ...t.server.deps.sends.stats };
    // The group becomes an MLS group at epoch 3: an application message of epoch 3 is accepted; a commit made at
    // epoch 2 lost its epoch (another commit won it) and is refused with STALE_EPOCH, after its message took a seq (a
    // write the refusal must undo).
    const now = Date.now();
    await t.server.deps.db.insertInto('mls_groups')
      .values({ conversation_id: group, epoch: 3, group_info: new Uint8Array([1]), epoch_seq: 0, created_at: now, updated_at: now }).execute();
    const accepted: MlsIntent = { kind: 'application', conversationId: group, epoch: 3n };
    const stale: MlsIntent = { kind: 'commit', conversationId: group, plan: { fromEpoch: 2, groupInfo: new Uint8Array([2]), welcome: undefined } };
    const lastSeq = (await stored(group)).at(-1)?.seq ?? 0;
    const results = await submitTogether([
      pending('alice', group, 'mls-1'),
      pending('bob', group, 'mls-2', accepted),
      pending('carol', group, 'mls-stale', stale),
      pending('alice', group, 'mls-3'),
      pending('carol', group, 'mls-stale'), // the same key again, without the stale step: stored once the first is refused
      pending('bob', direct, 'mls-4'),
    ]);
    expect(refusal(results[2] as PromiseSettledResult<MessageDto>)).toMatchObject({ code: 'STALE_EPOCH' });
    const ok = [0, 1, 3, 4, 5].map((i) => fulfilled(results[i] as PromiseSettledResult<MessageDto>));
    expect(ok.filter((m) => m.conversationId === group).map((m) => m.seq)).toEqual([lastSeq + 1, lastSeq + 2, lastSeq + 3, lastSeq + 4]);
    const after = t.server.deps.sends.stats;
    expect(after.refused - before.refused).toBe(1);
    expect(after.splits - before.splits).toBe(0);
    const rows = await stored(group);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.filter((r) => r.client_key === 'mls-stale')).toHaveLength(1);
    const conversation = await t.server.deps.db.selectFrom('conversations').select(['name', 'last_seq']).where('id', '=', group).executeTakeFirstOrThrow();
    expect(conversation).toEqual({ name: 'batch', last_seq: lastSeq + 4 });
    const mlsGroup = await t.server.deps.db.selectFrom('mls_groups').select(['epoch', 'group_info']).where('conversation_id', '=', group).executeTakeFirstOrThrow();
    expect({ epoch: Number(mlsGroup.epoch), groupInfo: [...mlsGroup.group_info] }).toEqual({ epoch: 3, groupInfo: [1] });
  });

  it('checks the application messages of a batch without a commit against one read of the epoch: a stale one is refused alone', async () => {
    // The group is an MLS group at epoch 3 (the test before). No commit in the batch: the application messages take
    // their seqs together; the one of epoch 2 is refused with STALE_EPOCH, one of epoch 4 as not this epoch's.
    const lastSeq = (await stored(group)).at(-1)?.seq ?? 0;
    const at = (epoch: bigint): MlsIntent => ({ kind: 'application', conversationId: group, epoch });
    const results = await submitTogether([
      pending('alice', group, 'app-1', at(3n)),
      pending('bob', group, 'app-stale', at(2n)),
      pending('carol', group, 'app-2', at(3n)),
      pending('alice', group, 'app-future', at(4n)),
      pending('bob', group, 'app-3', at(3n)),
    ]);
    expect(refusal(results[1] as PromiseSettledResult<MessageDto>)).toMatchObject({ code: 'STALE_EPOCH' });
    expect(refusal(results[3] as PromiseSettledResult<MessageDto>)).toMatchObject({ code: 'VALIDATION_FAILED' });
    const ok = [0, 2, 4].map((i) => fulfilled(results[i] as PromiseSettledResult<MessageDto>));
    expect(ok.map((m) => m.seq)).toEqual([lastSeq + 1, lastSeq + 2, lastSeq + 3]);
    const rows = await stored(group);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.some((r) => r.client_key === 'app-stale' || r.client_key === 'app-future')).toBe(false);
  });

  it('many concurrent sends from several clients through the socket path: each acked message stored once, in order', async () => {
    const before = { ...t.server.deps.sends.stats };
    const inboxes = [alice, bob, carol].map(inbox);
    const lastSeq = (await stored(group)).at(-1)?.seq ?? 0;
    const sent = await Promise.all(
      [alice, bob, carol].flatMap((client, c) => Array.from({ length: 30 }, (_, i) => client.messages.send(group, `c${c}-m${i}`))),
    );
    expect(sent.map((m) => m.seq).sort((a, b) => a - b)).toEqual(sent.map((_, i) => lastSeq + i + 1));
    const rows = await stored(group);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.length).toBe(lastSeq + 90);
    // Fewer transactions than messages: the sends did share commits.
    expect(t.server.deps.sends.stats.batches - before.batches).toBeLessThan(90);
    for (const received of inboxes) {
      const ours = () => received.filter((m) => m.conversationId === group && m.seq > lastSeq);
      await eventually(() => ours().length >= 90, 10_000, 'every message delivered');
      const seqs = ours().map((m) => m.seq);
      expect(seqs).toEqual(seqs.map((_, i) => lastSeq + i + 1));
    }
  });

  // Last: it blocks a contact.
  it('decides the send rule inside the batch: refused sends write nothing and take no key; the retry of a stored message is still answered', async () => {
    const aliceCarol = (await alice.conversations.openDirect('carol')).id;
    const [kept] = (await submitTogether([pending('carol', aliceCarol, 'rule-kept')])).map(fulfilled);
    await carol.contacts.block('alice');
    const before = { direct: await stored(direct), group: await stored(group), aliceCarol: await stored(aliceCarol) };
    const results = await submitTogether([
      pending('carol', direct, 'rule-1'), // not a member of alice and bob's conversation
      pending('alice', aliceCarol, 'rule-2'), // blocked by carol
      pending('carol', group, 'rule-1'), // the key the refused send did not take
      pending('alice', direct, 'rule-3'),
      pending('carol', aliceCarol, 'rule-kept'), // a retry of a message stored before the block: its message
    ]);
    expect(refusal(results[0] as PromiseSettledResult<MessageDto>)).toMatchObject({ code: 'NOT_FOUND' });
    expect(refusal(results[1] as PromiseSettledResult<MessageDto>)).toMatchObject({ code: 'BLOCKED' });
    const inGroup = fulfilled(results[2] as PromiseSettledResult<MessageDto>);
    const inDirect = fulfilled(results[3] as PromiseSettledResult<MessageDto>);
    expect(fulfilled(results[4] as PromiseSettledResult<MessageDto>)).toEqual(kept);
    expect(inGroup).toMatchObject({ conversationId: group, seq: (before.group.at(-1)?.seq ?? 0) + 1 });
    expect(inDirect).toMatchObject({ conversationId: direct, seq: (before.direct.at(-1)?.seq ?? 0) + 1 });
    expect((await stored(direct)).map((r) => r.client_key)).toEqual([...before.direct.map((r) => r.client_key), 'rule-3']);
    expect(await stored(aliceCarol)).toEqual(before.aliceCarol);
  });
});
