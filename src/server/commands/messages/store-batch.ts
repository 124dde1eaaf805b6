import type { MessageDto } from '../../../protocol/messages.js';
import type { Db } from '../../db/connect.js';
import { lockConversations, setReadSeqsMany, takeSeqsMany } from '../../db/repositories/batch-counters.js';
import { takeSeqs } from '../../db/repositories/conversations.js';
import { findBySenderKey, findBySenderKeys, insertMessages } from '../../db/repositories/messages.js';
import { AppError } from '../../errors.js';
import { findSendStandings, type SendStanding, type SenderInConversation } from '../../db/repositories/send-standing.js';
import { assertCanSend } from '../../policies/conversations.js';
import type { DomainEvent } from '../../events/domain-events.js';
import { presentMessage } from '../../presenters/message.js';
import { currentEpochs } from '../../db/repositories/mls-groups.js';
import { applyMlsIntent, checkApplicationEpoch, type MlsIntent } from '../e2e/mls-log.js';
import type { PendingSend, SendOutcome } from './send-types.js';
import { attachBlobsInTransaction } from '../blobs/attach.js';
import { disappearingTimers } from '../../db/repositories/disappearing.js';
import { expiryOf } from '../../policies/disappearing.js';

/** The MLS intent of the send at `index` no longer holds in the batch: the batch rolls back and is stored again without it. */
export class SendRefused extends Error {
  constructor(
    readonly index: number,
    readonly reason: AppError,
  ) {
    super(reason.message);
  }
}

const keyConflict = () => new AppError('CONFLICT', 'That client key was already used for another message.');
const keyOf = (senderId: string, clientKey: string) => `${senderId}\u0000${clientKey}`;

/**
 * The message already stored under the sender's client key, for a retry; CONFLICT if that key was used in another
 * conversation; undefined if it was never used.
 */
export async function findReplay(db: Db, senderId: string, clientKey: string, conversationId: string): Promise<MessageDto | undefined> {
  const existing = await findBySenderKey(db, senderId, clientKey);
  if (!existing) return undefined;
  if (existing.conversation_id !== conversationId) throw keyConflict();
  return presentMessage(existing);
}

/**
 * Stores a batch of sends in the caller's transaction, with the same result as storing them one after another in
 * this order:
 *
 * - a (sender, client key) already stored answers the stored message (a retry, whatever changed since), found for the
 *   whole batch in one query; a key repeated inside the batch is written once, by its first accepted send, and every
 *   later one answers that message (CONFLICT if it names another conversation);
 * - the send rule (policy `assertCanSend`: a member; a direct conversation only between contacts) is decided here, in
 *   the transaction that writes, on every sender's standing read for the whole batch in one query (`authorizeSends`):
 *   a refused send writes nothing and takes no key;
 * - each conversation's new messages take consecutive sequence numbers in arrival order: on PostgreSQL the batch's
 *   conversations are first locked in id order (two batches then wait for each other and cannot deadlock); one UPDATE
 *   takes the numbers of every conversation without an MLS commit (a CASE arm each), whose application messages are
 *   then checked against one read of their groups' epochs (one query: nothing in the batch moves those epochs); a
 *   conversation with a commit takes one number per message, since a commit is applied with the sequence number of its
 *   own message (e2e/mls-log.ts `applyMlsIntent`); then one UPDATE moves
 *   every sender's read position (repositories/batch-counters.ts);
 * - the uploads a send names (`blobIds`) are bound to its message (commands/blobs/attach.ts): only the sender's complete
 *   uploads for this conversation, not yet bound elsewhere;
 * - an MLS intent that no longer holds, or uploads that cannot be bound, throw SendRefused, and the caller rolls back
 *   and stores the others without that send.
 */
export async function storeBatch(trx: Db, sends: PendingSend[], now: number): Promise<SendOutcome[]> {
  const stored = new Map<string, MessageDto>();
  const keys = new Map<string, { senderId: string; clientKey: string }>();
  for (const { row } of sends) keys.set(keyOf(row.sender_id, row.client_key), { senderId: row.sender_id, clientKey: row.client_key });
  for (const row of await findBySenderKeys(trx, [...keys.values()])) stored.set(keyOf(row.sender_id, row.client_key), presentMessage(row));

  const pairs = new Map<string, SenderInConversation>();
  for (const { row } of sends) {
    if (!stored.has(keyOf(row.sender_id, row.client_key))) {
      pairs.set(keyOf(row.conversation_id, row.sender_id), { conversationId: row.conversation_id, userId: row.sender_id });
    }
  }
  const standings = new Map<string, SendStanding>();
  for (const s of await findSendStandings(trx, [...pairs.values()])) standings.set(keyOf(s.conversationId, s.userId), s);

  const { refused, writes } = authorizeSends(sends, (key) => stored.has(key), standings);

  const byConversation = new Map<string, { send: PendingSend; index: number }[]>();
  for (const write of writes) {
    const id = write.send.row.conversation_id;
    const list = byConversation.get(id);
    if (list) list.push(write);
    else byConversation.set(id, [write]);
  }
  const mlsEvents = new Map<number, DomainEvent[]>();
  const conversations = [...byConversation].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  await lockConversations(trx, conversations.map(([id]) => id));
  // A commit moves its group's epoch at its own sequence number: its conversation takes one number per message. In
  // every other conversation nothing in the batch moves the epoch, so its numbers are taken together and its
  // application messages are checked against one read of the epoch (one query for all of them).
  const withCommit = conversations.filter(([, list]) => list.some(({ send }) => send.mls?.kind === 'commit'));
  const plain = conversations.filter((c) => !withCommit.includes(c));
  // Each new message's expiry: its conversation's timer from the batch's clock, read under the lock taken above (the
  // numbers' UPDATE returns it; only conversations with a commit, rare, need a read of their own).
  const taken = await takeSeqsMany(trx, plain.map(([id, list]) => ({ id, count: list.length })), now);
  const timers = new Map<string, number | null>([...taken].map(([id, t]) => [id, t.timer]));
  if (withCommit.length > 0) for (const [id, timer] of await disappearingTimers(trx, withCommit.map(([id]) => id))) timers.set(id, timer);
  for (const { send } of writes) send.row.expires_at = expiryOf(send.row.content_type, timers.get(send.row.conversation_id), now);
  for (const [id, list] of plain) {
    const last = taken.get(id)?.last ?? 0;
    list.forEach(({ send }, k) => (send.row.seq = last - list.length + 1 + k));
  }
  const applications = plain.flatMap(([, list]) => list.filter(({ send }) => send.mls));
  if (applications.length > 0) {
    const epochs = await currentEpochs(trx, [...new Set(applications.map(({ send }) => send.row.conversation_id))]);
    for (const { send, index } of applications) {
      const mls = send.mls;
      if (mls?.kind === 'application') refuseAs(index, () => checkApplicationEpoch(mls, epochs.get(mls.conversationId)));
    }
  }
  for (const [id, list] of withCommit) {
    for (const { send, index } of list) {
      send.row.seq = await takeSeqs(trx, id, 1, now);
      if (send.mls) mlsEvents.set(index, await applyMls(trx, send.mls, send.row.seq, now, index));
    }
  }
  await insertMessages(trx, writes.map(({ send }) => send.row));
  for (const { send, index } of writes) {
    if (send.blobIds.length > 0) await attachFiles(trx, send, index);
  }

  // Each sender's read position moves to their last new message.
  const readSeqs = new Map<string, { conversationId: string; userId: string; seq: number }>();
  for (const { send } of writes) {
    const { conversation_id: conversationId, sender_id: userId, seq } = send.row;
    const key = keyOf(conversationId, userId);
    if ((readSeqs.get(key)?.seq ?? 0) < seq) readSeqs.set(key, { conversationId, userId, seq });
  }
  await setReadSeqsMany(trx, [...readSeqs.values()]);

  const created = new Map<number, DomainEvent[]>();
  for (const { send, index } of writes) {
    const message = presentMessage({ ...send.row, sender_username: send.senderName });
    stored.set(keyOf(send.row.sender_id, send.row.client_key), message);
    created.set(index, [{ type: 'message.created', message }, ...(mlsEvents.get(index) ?? [])]);
  }
  return sends.map((send, index): SendOutcome => {
    const refusal = refused.get(index);
    if (refusal) return { error: refusal };
    const message = stored.get(keyOf(send.row.sender_id, send.row.client_key));
    if (!message) throw new Error('storeBatch: a send has neither a stored nor a new message');
    if (message.conversationId !== send.row.conversation_id) return { error: keyConflict() };
    return { message, events: created.get(index) ?? [] };
  });
}

/**
 * The authorize stage of a batch, a pure function of what the batch read: which sends write, in order, and which are
 * refused. A send whose key is already stored (`isStored`) or claimed by an earlier send of the batch writes nothing
 * (it is answered with the message under that key); every other send must pass the send rule (policy `assertCanSend`)
 * on its sender's standing; a refused send takes no key.
 */
export function authorizeSends(
  sends: PendingSend[],
  isStored: (key: string) => boolean,
  standings: ReadonlyMap<string, SendStanding>,
): { refused: Map<number, AppError>; writes: { send: PendingSend; index: number }[] } {
  const refused = new Map<number, AppError>();
  const claimed = new Set<string>();
  const writes: { send: PendingSend; index: number }[] = [];
  sends.forEach((send, index) => {
    const key = keyOf(send.row.sender_id, send.row.client_key);
    if (isStored(key) || claimed.has(key)) return; // answered with the message under that key
    try {
      assertCanSend(standings.get(keyOf(send.row.conversation_id, send.row.sender_id)));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      refused.set(index, err);
      return;
    }
    claimed.add(key);
    writes.push({ send, index });
  });
  return { refused, writes };
}

/** Binds the send's uploads to its new message; a refusal (not the sender's complete upload for this conversation) refuses that send only. */
async function attachFiles(trx: Db, send: PendingSend, index: number): Promise<void> {
  const { row } = send;
  try {
    await attachBlobsInTransaction(trx, {
      uploaderId: row.sender_id,
      conversationId: row.conversation_id,
      messageId: row.id,
      messageSeq: row.seq,
      blobIds: send.blobIds,
    });
  } catch (err) {
    if (err instanceof AppError) throw new SendRefused(index, err);
    throw err;
  }
}

/** Runs a check of the send at `index`; its refusal (an AppError) refuses that send only. */
function refuseAs(index: number, check: () => void): void {
  try {
    check();
  } catch (err) {
    if (err instanceof AppError) throw new SendRefused(index, err);
    throw err;
  }
}

async function applyMls(trx: Db, intent: MlsIntent, seq: number, now: number, index: number): Promise<DomainEvent[]> {
  try {
    return await applyMlsIntent(trx, intent, seq, now);
  } catch (err) {
    if (err instanceof AppError) throw new SendRefused(index, err);
    throw err;
  }
}
