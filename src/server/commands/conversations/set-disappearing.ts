import type { ConversationDto } from '../../../protocol/conversations.js';
import { DISAPPEARING_NOTICE } from '../../../protocol/privacy.js';
import { lockConversations } from '../../db/repositories/batch-counters.js';
import { findConversation, listMembers, takeSeqs } from '../../db/repositories/conversations.js';
import { setDisappearingSeconds } from '../../db/repositories/disappearing.js';
import { insertMessages, type MessageRow } from '../../db/repositories/messages.js';
import type { Deps } from '../../deps.js';
import { notFound } from '../../errors.js';
import { AfterCommit } from '../../events/domain-events.js';
import { timeOrderedId } from '../../ids.js';
import type { Actor } from '../../policies/actor.js';
import { assertCanSetDisappearing } from '../../policies/disappearing.js';
import { presentMessage } from '../../presenters/message.js';
import { accessConversation } from '../access.js';
import { conversationChanged, viewFor } from './conversation-view.js';

const encoder = new TextEncoder();

/**
 * Sets a conversation's disappearing-message timer (null: off) and announces it in the log: one transaction writes the
 * timer and a notice entry (content type DISAPPEARING_NOTICE, sender: who changed it) with the next sequence number,
 * so every member sees the change live and in history, at its place among the messages. Setting the timer it already
 * has changes nothing and announces nothing. Messages stored from then on carry the new expiry; earlier ones keep theirs.
 */
export async function setDisappearing(deps: Deps, actor: Actor, conversationId: string, seconds: number | null): Promise<ConversationDto> {
  const access = await accessConversation(deps.db, actor, conversationId);
  assertCanSetDisappearing(access);
  const after = new AfterCommit();
  await deps.db.transaction().execute(async (trx) => {
    await lockConversations(trx, [conversationId]);
    const current = await findConversation(trx, conversationId);
    if (!current) throw notFound('No such conversation.');
    if ((current.disappearing_seconds ?? null) === seconds) return;
    await setDisappearingSeconds(trx, conversationId, seconds);
    const now = deps.clock.now();
    const row: MessageRow = {
      id: timeOrderedId(),
      conversation_id: conversationId,
      seq: await takeSeqs(trx, conversationId, 1, now),
      sender_id: actor.user.id,
      client_key: `timer-${timeOrderedId()}`,
      content_type: DISAPPEARING_NOTICE,
      body: encoder.encode(JSON.stringify({ seconds })),
      created_at: now,
      edited_at: null,
      deleted_at: null,
      expires_at: null,
    };
    await insertMessages(trx, [row]);
    const updated = await findConversation(trx, conversationId);
    if (updated) after.add(await conversationChanged(trx, updated, []));
    after.add({ type: 'message.created', message: presentMessage({ ...row, sender_username: actor.user.username }) });
  });
  after.flush(deps.events);
  const conversation = await findConversation(deps.db, conversationId);
  if (!conversation) throw notFound('No such conversation.');
  return viewFor(deps.db, conversation, await listMembers(deps.db, conversationId), actor.user.id);
}
