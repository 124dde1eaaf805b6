import type { MessagesResponse } from '../../../protocol/messages.js';
import { findConversation, listMembers, setReadSeq } from '../../db/repositories/conversations.js';
import { DEFAULT_SWITCHES, readAudience } from '../../policies/privacy.js';
import { switchesOf } from '../privacy.js';
import { messageSizesAfter, messageSizesBefore, messagesAfter, messagesBefore } from '../../db/repositories/messages.js';
import type { Deps } from '../../deps.js';
import type { Actor } from '../../policies/actor.js';
import { accessConversation } from '../access.js';
import { visibleFromSeq } from '../../policies/conversations.js';
import { presentMessage } from '../../presenters/message.js';

/**
 * How many of these messages (in page order) fit in `maxBytes` of bodies: at least one, so a page always advances.
 * Pages are capped by bytes as well as by count (`PAGE_MAX_KIB`): a page's memory is bounded by configuration.
 */
export function fitPage(sizes: readonly { size: number }[], maxBytes: number): number {
  let total = 0;
  for (let i = 0; i < sizes.length; i++) {
    total += Number(sizes[i]?.size ?? 0);
    if (total > maxBytes) return Math.max(1, i);
  }
  return sizes.length;
}

/** History backwards: up to `limit` messages before `before`, oldest first, at most `PAGE_MAX_KIB` of bodies. */
export async function history(deps: Deps, actor: Actor, conversationId: string, before: number | undefined, limit: number): Promise<MessagesResponse> {
  const access = await accessConversation(deps.db, actor, conversationId);
  const minSeq = visibleFromSeq(access);
  const upper = before ?? access.conversation.last_seq + 1;
  // Sizes first (no bodies read), then only the bodies that fit.
  const sizes = await messageSizesBefore(deps.db, conversationId, upper, minSeq, limit);
  const fits = fitPage(sizes, deps.config.backpressure.pageMaxBytes);
  const oldest = sizes[fits - 1];
  if (!oldest) return { messages: [], hasMore: false };
  const rows = await messagesBefore(deps.db, conversationId, upper, Math.max(minSeq, oldest.seq - 1), fits);
  const first = rows[0];
  return { messages: rows.map(presentMessage), hasMore: fits < sizes.length || (first !== undefined && first.seq > minSeq + 1) };
}

/** Resume: the messages after the last sequence number a client saw, in order, at most `PAGE_MAX_KIB` of bodies. */
export async function messagesSince(deps: Deps, actor: Actor, conversationId: string, after: number, limit: number): Promise<MessagesResponse> {
  const access = await accessConversation(deps.db, actor, conversationId);
  const from = Math.max(after, visibleFromSeq(access));
  const sizes = await messageSizesAfter(deps.db, conversationId, from, limit);
  const fits = fitPage(sizes, deps.config.backpressure.pageMaxBytes);
  if (fits === 0) return { messages: [], hasMore: false };
  const rows = await messagesAfter(deps.db, conversationId, from, fits);
  return { messages: rows.map(presentMessage), hasMore: fits < sizes.length || sizes.length === limit };
}

/** Moves the user's read position forward (never back) and tells the other members. */
export async function markRead(deps: Deps, actor: Actor, conversationId: string, seq: number): Promise<{ readSeq: number }> {
  const access = await accessConversation(deps.db, actor, conversationId);
  const conversation = (await findConversation(deps.db, conversationId)) ?? access.conversation;
  const target = Math.min(seq, conversation.last_seq);
  if (target > access.member.read_seq) {
    await setReadSeq(deps.db, conversationId, actor.user.id, target);
    const members = await listMembers(deps.db, conversationId);
    const switches = await switchesOf(deps, members.map((m) => m.user_id));
    const withSwitches = (id: string) => ({ id, switches: switches.get(id) ?? DEFAULT_SWITCHES });
    const audience = readAudience(withSwitches(actor.user.id), members.map((m) => withSwitches(m.user_id)));
    deps.events.publish({ type: 'read', event: { conversationId, username: actor.user.username, seq: target }, audience: { readerId: actor.user.id, ...audience } });
  }
  return { readSeq: Math.max(target, access.member.read_seq) };
}
