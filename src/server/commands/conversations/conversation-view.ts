import type { ConversationDto } from '../../../protocol/conversations.js';
import type { Db } from '../../db/connect.js';
import { countUnread, listMembers, type ConversationRow, type MemberWithName } from '../../db/repositories/conversations.js';
import type { DomainEvent } from '../../events/domain-events.js';
import { memberIn } from '../../policies/conversations.js';
import { presentConversation } from '../../presenters/conversation.js';

/**
 * One member's view of a conversation (their role, read position and unread count). A user who is not (or no longer:
 * a concurrent leave or removal) a member gets NOT_FOUND, as for any conversation they may not see.
 */
export async function viewFor(db: Db, conversation: ConversationRow, members: MemberWithName[], userId: string): Promise<ConversationDto> {
  const me = memberIn(members, userId);
  const fromSeq = Math.max(me.read_seq, me.joined_seq);
  const unread = fromSeq >= conversation.last_seq ? 0 : await countUnread(db, conversation.id, userId, fromSeq);
  return presentConversation(conversation, me, members, unread);
}

/** The 'conversation.changed' event: every current member's own view; `joinUserIds` enter the room. */
export async function conversationChanged(
  db: Db,
  conversation: ConversationRow,
  joinUserIds: string[],
): Promise<Extract<DomainEvent, { type: 'conversation.changed' }>> {
  const members = await listMembers(db, conversation.id);
  const views = await Promise.all(
    members.map(async (m) => ({ userId: m.user_id, conversation: await viewFor(db, conversation, members, m.user_id) })),
  );
  return { type: 'conversation.changed', views, joinUserIds };
}
