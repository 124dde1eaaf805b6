import type { MessageDto, SendMessageRequest } from '../../../protocol/messages.js';
import type { Deps } from '../../deps.js';
import { timeOrderedId } from '../../ids.js';
import { prepareMlsSend, type MlsStep } from '../e2e/mls-log.js';
import type { Actor } from '../../policies/actor.js';
import { findReplay } from './store-batch.js';

/**
 * Stores a message and only then answers: the acknowledgement means durably stored. The client's key makes a retry
 * return the stored message instead of a second one. Fan-out happens after commit. The write goes through the group
 * commit of sends (send-queue.ts): sends arriving together share one transaction, with the result of storing them one
 * by one. The send rule (a member; a direct conversation only between contacts) is decided in that transaction, for
 * the whole batch in one query (store-batch.ts, policy `assertCanSend`). An MLS commit or application message is
 * also checked against the conversation's MLS group, and a commit moves the group to its next epoch in the same
 * transaction as its insert (commands/e2e/mls-log.ts).
 */
export async function sendMessage(deps: Deps, actor: Actor, input: SendMessageRequest): Promise<MessageDto> {
  let mls: MlsStep | undefined;
  try {
    mls = await prepareMlsSend(deps, actor, input);
  } catch (err) {
    // A retry of a stored message gets that message whatever changed since (a removed member, a later epoch).
    const replay = await findReplay(deps.db, actor.user.id, input.clientKey, input.conversationId);
    if (replay) return replay;
    throw err;
  }
  return deps.sends.submit({
    row: {
      // Time-ordered (UUIDv7): new messages are appended to the id index instead of dirtying a random page each.
      id: timeOrderedId(),
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
