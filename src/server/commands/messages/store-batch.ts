import type { MessageDto } from '../../../protocol/messages.js';
import type { Db } from '../../db/connect.js';
import { setReadSeq, takeSeqs } from '../../db/repositories/conversations.js';
import { findBySenderKey, findBySenderKeys, insertMessages, type MessageRow } from '../../db/repositories/messages.js';
import { AppError } from '../../errors.js';
import type { DomainEvent } from '../../events/domain-events.js';
import { presentMessage } from '../../presenters/message.js';
import type { MlsStep } from '../e2e/mls-log.js';

/** One send that passed its checks, ready to store: its row (`seq` still 0) and its MLS step, if any. */
export interface PendingSend {
  row: MessageRow;
  senderName: string;
  mls: MlsStep | undefined;
}

/** The answer of one send in a stored batch: its message (new, or the stored one for a retry) or its refusal. */
export type SendOutcome = { message: MessageDto; events: DomainEvent[] } | { error: AppError };

/** An MLS step refused the send at `index` inside the batch: the batch rolls back and is stored again without it. */
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
 * - a (sender, client key) already stored answers the stored message (a retry), found for the whole batch in one
 *   query; a key repeated inside the batch is written once, by its first send, and every later one answers that
 *   message (CONFLICT if it names another conversation);
 * - each conversation's new messages take consecutive sequence numbers in arrival order: one counter UPDATE per
 *   conversation, or one per message where an MLS step must see the sequence number of its own message. The
 *   conversations are taken in the order of their ids, so that on PostgreSQL two batches lock their counter rows in
 *   the same order and cannot deadlock;
 * - an MLS step that refuses its send throws SendRefused, and the caller rolls back and stores the others without it.
 */
export async function storeBatch(trx: Db, sends: PendingSend[], now: number): Promise<SendOutcome[]> {
  const firstOfKey = new Map<string, { send: PendingSend; index: number }>();
  sends.forEach((send, index) => {
    const key = keyOf(send.row.sender_id, send.row.client_key);
    if (!firstOfKey.has(key)) firstOfKey.set(key, { send, index });
  });
  const stored = new Map<string, MessageDto>();
  const keys = [...firstOfKey.values()].map(({ send }) => ({ senderId: send.row.sender_id, clientKey: send.row.client_key }));
  for (const row of await findBySenderKeys(trx, keys)) stored.set(keyOf(row.sender_id, row.client_key), presentMessage(row));

  const writes = [...firstOfKey].filter(([key]) => !stored.has(key)).map(([, write]) => write);
  const byConversation = new Map<string, { send: PendingSend; index: number }[]>();
  for (const write of writes) {
    const id = write.send.row.conversation_id;
    const list = byConversation.get(id);
    if (list) list.push(write);
    else byConversation.set(id, [write]);
  }
  const mlsEvents = new Map<number, DomainEvent[]>();
  for (const [id, list] of [...byConversation].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (list.every(({ send }) => !send.mls)) {
      const last = await takeSeqs(trx, id, list.length, now);
      list.forEach(({ send }, k) => (send.row.seq = last - list.length + 1 + k));
      continue;
    }
    for (const { send, index } of list) {
      send.row.seq = await takeSeqs(trx, id, 1, now);
      if (send.mls) mlsEvents.set(index, await runMlsStep(send.mls, trx, send.row.seq, now, index));
    }
  }
  await insertMessages(trx, writes.map(({ send }) => send.row));

  const readSeqs = new Map<string, { conversationId: string; userId: string; seq: number }>();
  for (const { send } of writes) {
    const { conversation_id: conversationId, sender_id: userId, seq } = send.row;
    const key = keyOf(conversationId, userId);
    if ((readSeqs.get(key)?.seq ?? 0) < seq) readSeqs.set(key, { conversationId, userId, seq });
  }
  // In key order too (conversation, then user), like the counters: concurrent batches lock member rows in one order.
  for (const [, r] of [...readSeqs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    await setReadSeq(trx, r.conversationId, r.userId, r.seq);
  }

  const created = new Map<number, DomainEvent[]>();
  for (const { send, index } of writes) {
    const message = presentMessage({ ...send.row, sender_username: send.senderName });
    stored.set(keyOf(send.row.sender_id, send.row.client_key), message);
    created.set(index, [{ type: 'message.created', message }, ...(mlsEvents.get(index) ?? [])]);
  }
  return sends.map((send, index): SendOutcome => {
    const message = stored.get(keyOf(send.row.sender_id, send.row.client_key));
    if (!message) throw new Error('storeBatch: a send has neither a stored nor a new message');
    if (message.conversationId !== send.row.conversation_id) return { error: keyConflict() };
    return { message, events: created.get(index) ?? [] };
  });
}

async function runMlsStep(step: MlsStep, trx: Db, seq: number, now: number, index: number): Promise<DomainEvent[]> {
  try {
    return await step(trx, seq, now);
  } catch (err) {
    if (err instanceof AppError) throw new SendRefused(index, err);
    throw err;
  }
}
