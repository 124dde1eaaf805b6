import type { MessagesResponse } from '../../../protocol/messages.js';
import { findConversation, setReadSeq } from '../../db/repositories/conversations.js';
import { messagesAfter, messagesBefore } from '../../db/repositories/messages.js';
import type { Deps } from '../../deps.js';
import type { Actor } from '../../policies/actor.js';
import { accessConversation } from '../access.js';
import { visibleFromSeq } from '../../policies/conversations.js';
import { presentMessage } from '../../presenters/message.js';

/** History backwards: up to `limit` messages before `before`, oldest first. */
export async function history(deps: Deps, actor: Actor, conversationId: string, before: number | undefined, limit: number): Promise<MessagesResponse> {
  const access = await accessConversation(deps.db, actor, conversationId);
  const minSeq = visibleFromSeq(access);
  const upper = before ?? access.conversation.last_seq + 1;
  const rows = await messagesBefore(deps.db, conversationId, upper, minSeq, limit);
  const first = rows[0];
  return { messages: rows.map(presentMessage), hasMore: first !== undefined && first.seq > minSeq + 1 };
}

/** Resume: the messages after the last sequence number a client saw, in order. */
export async function messagesSince(deps: Deps, actor: Actor, conversationId: string, after: number, limit: number): Promise<MessagesResponse> {
  const access = await accessConversation(deps.db, actor, conversationId);
  const from = Math.max(after, visibleFromSeq(access));
  const rows = await messagesAfter(deps.db, conversationId, from, limit);
  return { messages: rows.map(presentMessage), hasMore: rows.length === limit };
}

/** Moves the user's read position forward (never back) and tells the other members. */
export async function markRead(deps: Deps, actor: Actor, conversationId: string, seq: number): Promise<{ readSeq: number }> {
  const access = await accessConversation(deps.db, actor, conversationId);
  const conversation = (await findConversation(deps.db, conversationId)) ?? access.conversation;
  const target = Math.min(seq, conversation.last_seq);
  if (target > access.member.read_seq) {
    await setReadSeq(deps.db, conversationId, actor.user.id, target);
    deps.events.publish({ type: 'read', event: { conversationId, username: actor.user.username, seq: target } });
  }
  return { readSeq: Math.max(target, access.member.read_seq) };
}
