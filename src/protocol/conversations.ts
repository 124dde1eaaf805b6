import { z } from 'zod';
import { Id, Username } from './common.js';
import { DisappearingSeconds } from './privacy.js';

/** The most members a group holds (its creator included). */
export const MAX_GROUP_MEMBERS = 256;

export const Role = z.enum(['owner', 'admin', 'member']);
export type Role = z.infer<typeof Role>;

export const GroupName = z
  .string()
  .trim()
  .min(1, 'group name must not be empty')
  .max(64, 'group name must be at most 64 characters')
  .refine((s) => ![...s].some((ch) => (ch.codePointAt(0) ?? 0) < 0x20 || ch === '\u007f'), 'group name must not contain control characters');

export const MemberDto = z.strictObject({ username: Username, role: Role });
export type MemberDto = z.infer<typeof MemberDto>;

/** How the user asked to be notified of one conversation: their own, on all their devices. */
export const NotifySettingsDto = z.strictObject({
  /** Muted until this instant, or 'forever' (until turned off); null: not muted. Muted conversations still count unread. */
  mutedUntil: z.union([z.literal('forever'), z.iso.datetime()]).nullable(),
  /** Notify only for messages that mention the user (decided on the device: push, which cannot see mentions, stays off). */
  mentionsOnly: z.boolean(),
});
export type NotifySettingsDto = z.infer<typeof NotifySettingsDto>;

export const ConversationDto = z.strictObject({
  id: Id,
  kind: z.enum(['direct', 'group']),
  /** Group name; null for a direct conversation. */
  name: z.string().nullable(),
  members: z.array(MemberDto),
  myRole: Role,
  /** Sequence number of the newest message (0 when empty). */
  lastSeq: z.number().int().nonnegative(),
  /** Messages up to this sequence number existed before the user joined: not the user's to read. */
  joinedSeq: z.number().int().nonnegative(),
  readSeq: z.number().int().nonnegative(),
  unread: z.number().int().nonnegative(),
  lastActivityAt: z.iso.datetime(),
  /** The user's notification settings for it (servers before notifications leave it out: notify for everything). */
  notify: NotifySettingsDto.optional(),
  /** Disappearing messages: each new message is erased this many seconds after it was stored (null: off). */
  disappearingSeconds: DisappearingSeconds.optional(),
});
export type ConversationDto = z.infer<typeof ConversationDto>;

export const ConversationIdRequest = z.strictObject({ conversationId: Id });
export const OpenDirectRequest = z.strictObject({ username: Username });
export const CreateGroupRequest = z.strictObject({
  name: GroupName,
  usernames: z.array(Username).max(MAX_GROUP_MEMBERS - 1, `a group holds at most ${MAX_GROUP_MEMBERS} members`),
});
export const MemberRequest = z.strictObject({ conversationId: Id, username: Username });
export const SetRoleRequest = z.strictObject({ conversationId: Id, username: Username, role: z.enum(['admin', 'member']) });
export const RenameRequest = z.strictObject({ conversationId: Id, name: GroupName });
export const ConversationsListRequest = z.strictObject({});

export const ConversationResponse = z.strictObject({ conversation: ConversationDto });
export type ConversationResponse = z.infer<typeof ConversationResponse>;
export const ConversationsListResponse = z.strictObject({ conversations: z.array(ConversationDto) });
export type ConversationsListResponse = z.infer<typeof ConversationsListResponse>;

export const ConversationRemovedEvent = z.strictObject({ conversationId: Id });
export const TypingRequest = z.strictObject({ conversationId: Id });
export const TypingEvent = z.strictObject({ conversationId: Id, username: Username });
export type TypingEvent = z.infer<typeof TypingEvent>;
