import type { MessageDto, SendMessageRequest } from '../../../protocol/messages.js';
import { listMembers, setReadSeq, takeNextSeq } from '../../db/repositories/conversations.js';
import { findBySenderKey, insertMessage } from '../../db/repositories/messages.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import type { DomainEvent } from '../../events/domain-events.js';
import { prepareMlsSend } from '../e2e/mls-log.js';
import type { Actor } from '../../policies/actor.js';
import { assertContacts } from '../../policies/contacts.js';
import { accessConversation } from '../../policies/conversations.js';
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
  if (access.conversation.kind === 'direct') {
    // A direct conversation carries messages only while the two are contacts (a removal or a block ends it).
    const other = (await listMembers(deps.db, input.conversationId)).find((m) => m.user_id !== actor.user.id);
    if (other) await assertContacts(deps.db, actor.user.id, other.user_id, other.username);
  }
  const mls = await prepareMlsSend(deps, actor, access, input);
  const now = Date.now();
  const id = crypto.randomUUID();
  let seq: number;
  let mlsEvents: DomainEvent[] = [];
  try {
    seq = await deps.db.transaction().execute(async (trx) => {
      const next = await takeNextSeq(trx, input.conversationId, now);
      if (mls) mlsEvents = await mls(trx, next, now);
      await insertMessage(trx, {
        id,
        conversation_id: input.conversationId,
        seq: next,
        sender_id: actor.user.id,
        client_key: input.clientKey,
        content_type: input.contentType,
        body: input.body,
        created_at: now,
        edited_at: null,
        deleted_at: null,
      });
      await setReadSeq(trx, input.conversationId, actor.user.id, next);
      return next;
    });
  } catch (err) {
    // A concurrent retry with the same key won the unique index: answer with its message.
    const existing = await findExisting(deps, actor, input);
    if (existing) return existing;
    throw err;
  }
  const message = presentMessage({
    id,
    conversation_id: input.conversationId,
    seq,
    sender_id: actor.user.id,
    sender_username: actor.user.username,
    client_key: input.clientKey,
    content_type: input.contentType,
    body: input.body,
    created_at: now,
    edited_at: null,
    deleted_at: null,
  });
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
