import type { MessageDto, SendMessageRequest } from '../../../protocol/messages.js';
import { setReadSeq, takeNextSeq } from '../../db/repositories/conversations.js';
import { findBySenderKey, insertMessage, type MessageRow } from '../../db/repositories/messages.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import type { DomainEvent } from '../../events/domain-events.js';
import { prepareMlsSend } from '../e2e/mls-log.js';
import type { Actor } from '../../policies/actor.js';
import { accessConversation, assertCanSendTo } from '../../policies/conversations.js';
import { presentMessage } from '../../presenters/message.js';

/**
 * Stores a message and only then answers: the acknowledgement means durably stored. The client's key makes a retry
 * return the stored message instead of a second one. Fan-out happens after commit. An MLS commit or application
 * message is also checked against the conversation's MLS group, and a commit moves the group to its next epoch in the
 * same transaction as its insert (commands/e2e/mls-log.ts).
 */
export async function sendMessage(deps: Deps, actor: Actor, input: SendMessageRequest): Promise<MessageDto> {
  const access = await accessConversation(deps.db, actor, input.conversationId);
  const replay = await findExisting(deps, actor, input);
  if (replay) return replay;
  await assertCanSendTo(deps.db, actor, access);
  const mls = await prepareMlsSend(deps, actor, access, input);
  const now = Date.now();
  const row: MessageRow = {
    id: crypto.randomUUID(),
    conversation_id: input.conversationId,
    seq: 0, // taken inside the transaction
    sender_id: actor.user.id,
    client_key: input.clientKey,
    content_type: input.contentType,
    body: input.body,
    created_at: now,
    edited_at: null,
    deleted_at: null,
  };
  let mlsEvents: DomainEvent[] = [];
  try {
    await deps.db.transaction().execute(async (trx) => {
      row.seq = await takeNextSeq(trx, input.conversationId, now);
      if (mls) mlsEvents = await mls(trx, row.seq, now);
      await insertMessage(trx, row);
      await setReadSeq(trx, input.conversationId, actor.user.id, row.seq);
    });
  } catch (err) {
    // A concurrent retry with the same key won the unique index: answer with its message.
    const existing = await findExisting(deps, actor, input);
    if (existing) return existing;
    throw err;
  }
  const message = presentMessage({ ...row, sender_username: actor.user.username });
  deps.events.publish({ type: 'message.created', message });
  for (const event of mlsEvents) deps.events.publish(event);
  return message;
}

async function findExisting(deps: Deps, actor: Actor, input: SendMessageRequest): Promise<MessageDto | undefined> {
  const existing = await findBySenderKey(deps.db, actor.user.id, input.clientKey);
  if (!existing) return undefined;
  if (existing.conversation_id !== input.conversationId) {
    throw new AppError('CONFLICT', 'That client key was already used for another message.');
  }
  return presentMessage(existing);
}
