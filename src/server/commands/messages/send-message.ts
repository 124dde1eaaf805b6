import type { MessageDto, SendMessageRequest } from '../../../protocol/messages.js';
import type { Deps } from '../../deps.js';
import { prepareMlsSend, type MlsStep } from '../e2e/mls-log.js';
import type { Actor } from '../../policies/actor.js';
import { accessConversation, assertCanSendTo } from '../../policies/conversations.js';
import { findReplay } from './store-batch.js';

/**
 * Stores a message and only then answers: the acknowledgement means durably stored. The client's key makes a retry
 * return the stored message instead of a second one. Fan-out happens after commit. An MLS commit or application
 * message is also checked against the conversation's MLS group, and a commit moves the group to its next epoch in the
 * same transaction as its insert (commands/e2e/mls-log.ts). The write goes through the group commit of sends
 * (send-queue.ts): sends arriving together share one transaction, with the result of storing them one by one.
 */
export async function sendMessage(deps: Deps, actor: Actor, input: SendMessageRequest): Promise<MessageDto> {
  const access = await accessConversation(deps.db, actor, input.conversationId);
  let mls: MlsStep | undefined;
  try {
    await assertCanSendTo(deps.db, actor, access);
    mls = await prepareMlsSend(deps, actor, access, input);
  } catch (err) {
    // A retry of a stored message gets that message whatever changed since (a removed contact, a later epoch).
    const replay = await findReplay(deps.db, actor.user.id, input.clientKey, input.conversationId);
    if (replay) return replay;
    throw err;
  }
  return deps.sends.submit({
    row: {
      id: crypto.randomUUID(),
      conversation_id: input.conversationId,
      seq: 0, // taken inside the batch's transaction
      sender_id: actor.user.id,
      client_key: input.clientKey,
      content_type: input.contentType,
      body: input.body,
      created_at: Date.now(),
      edited_at: null,
      deleted_at: null,
    },
    senderName: actor.user.username,
    mls,
  });
}
