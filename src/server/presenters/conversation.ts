import type { ConversationDto } from '../../protocol/conversations.js';
import type { ConversationRow, MemberRow, MemberWithName } from '../db/repositories/conversations.js';

export function presentConversation(
  conversation: ConversationRow,
  me: MemberRow,
  members: MemberWithName[],
  unread: number,
): ConversationDto {
  return {
    id: conversation.id,
    kind: conversation.kind,
    name: conversation.name,
    members: members.map((m) => ({ username: m.username, role: m.role })),
    myRole: me.role,
    lastSeq: conversation.last_seq,
    joinedSeq: me.joined_seq,
    readSeq: Math.max(me.read_seq, me.joined_seq),
    unread,
    lastActivityAt: new Date(conversation.last_activity_at).toISOString(),
  };
}
