import type { ConversationDto, NotifySettingsDto } from '../../protocol/conversations.js';
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
    notify: presentNotify(me),
    disappearingSeconds: conversation.disappearing_seconds ?? null,
  };
}

/** `muted_until` at or past this means "until turned off" (the largest instant a Date holds). */
export const MUTED_FOREVER = 8_640_000_000_000_000;

/** A member's notification settings; a mute that has run out reads as none. */
export function presentNotify(me: MemberRow, now = Date.now()): NotifySettingsDto {
  const until = me.muted_until ?? null;
  const mutedUntil = until === null || until <= now ? null : until >= MUTED_FOREVER ? 'forever' : new Date(until).toISOString();
  return { mutedUntil, mentionsOnly: (me.mentions_only ?? 0) === 1 };
}
