import { MLS_COMMIT, MLS_CONTENT_PREFIX } from '../../protocol/e2e.js';
import type { ConversationRow, MemberRow } from '../db/repositories/conversations.js';
import type { SendStanding } from '../db/repositories/send-standing.js';
import { AppError, notFound } from '../errors.js';
import { assertStanding } from './contacts.js';
import type { Actor } from './actor.js';

/** What a member may see of a conversation: the row and their membership. */
export interface Access {
  conversation: ConversationRow;
  member: MemberRow;
}

const NOT_FOUND_MESSAGE = 'No such conversation.';

/**
 * The one decision for every conversation access, on the user's membership row joined with its conversation (read by
 * commands/access.ts). For a non-member a conversation does not exist: the answer is exactly the one for a random id.
 */
export function membershipAccess(row: (MemberRow & ConversationRow) | undefined): Access {
  if (!row) throw notFound(NOT_FOUND_MESSAGE);
  const { conversation_id, user_id, role, joined_seq, read_seq, joined_at, muted_until, mentions_only, ...conversation } = row;
  return { conversation, member: { conversation_id, user_id, role, joined_seq, read_seq, joined_at, muted_until, mentions_only } };
}

const isAdmin = (m: MemberRow) => m.role === 'owner' || m.role === 'admin';

function requireGroup(access: Access): void {
  if (access.conversation.kind !== 'group') {
    throw new AppError('FORBIDDEN', 'A direct conversation has exactly two members and no roles.');
  }
}

/** Admins and the owner add members, to groups only. */
export function assertCanAddMembers(access: Access): void {
  requireGroup(access);
  if (!isAdmin(access.member)) throw new AppError('FORBIDDEN', 'Only admins can add members.');
}

/** Admins remove members; nobody but the owner removes an admin; nobody removes the owner. */
export function assertCanRemoveMember(access: Access, target: MemberRow): void {
  requireGroup(access);
  if (!isAdmin(access.member)) throw new AppError('FORBIDDEN', 'Only admins can remove members.');
  if (target.role === 'owner') throw new AppError('FORBIDDEN', 'The owner cannot be removed.');
  if (target.role === 'admin' && access.member.role !== 'owner') {
    throw new AppError('FORBIDDEN', 'Only the owner can remove an admin.');
  }
}

export function assertCanSetRole(access: Access): void {
  requireGroup(access);
  if (access.member.role !== 'owner') throw new AppError('FORBIDDEN', 'Only the owner can change roles.');
}

export function assertCanRename(access: Access): void {
  requireGroup(access);
  if (!isAdmin(access.member)) throw new AppError('FORBIDDEN', 'Only admins can rename the group.');
}

/** Any member leaves a group; a direct conversation is left by removing the contact, never by leaving. */
export function assertCanLeave(access: Access): void {
  if (access.conversation.kind !== 'group') throw new AppError('FORBIDDEN', 'You cannot leave a direct conversation.');
}

/** Typing indicators: any member, in any conversation (the relay is throttled by the socket, not decided here). */
export function assertCanType(access: Access): void {
  void access;
}

/** A user's own view of a conversation needs their membership among its members; else NOT_FOUND. */
export function memberIn<M extends { user_id: string }>(members: M[], userId: string): M {
  const me = members.find((m) => m.user_id === userId);
  if (!me) throw notFound(NOT_FOUND_MESSAGE);
  return me;
}

/**
 * Only the sender edits or deletes a message, and not once it is deleted. An MLS commit is part of the group's
 * history and never changes; an MLS application message may be deleted but not edited (its ciphertext belongs to
 * its epoch).
 */
export function assertCanChangeMessage(
  actor: Actor,
  message: { sender_id: string; deleted_at: number | null; content_type: string },
  change: 'edit' | 'delete',
): void {
  if (message.sender_id !== actor.user.id) throw new AppError('FORBIDDEN', 'You can change only your own messages.');
  if (message.deleted_at !== null) throw new AppError('CONFLICT', 'That message was deleted.');
  if (message.content_type === MLS_COMMIT) throw new AppError('FORBIDDEN', 'A commit is part of the group\'s history: it cannot be changed.');
  if (change === 'edit' && message.content_type.startsWith(MLS_CONTENT_PREFIX)) {
    throw new AppError('FORBIDDEN', 'An encrypted message cannot be edited in place.');
  }
}

/** A member reads history only from the point they joined. */
export function visibleFromSeq(access: Access): number {
  return access.member.joined_seq;
}

/** A message the member can see: after they joined, up to the newest (a vault copy may be kept only of those). */
export function assertCanSeeSeq(access: Access, seq: number): void {
  if (seq <= visibleFromSeq(access) || seq > access.conversation.last_seq) {
    throw new AppError('VALIDATION_FAILED', `Message ${seq} is not one you can see in this conversation.`);
  }
}

/**
 * The send rule, on the standing read in the send's own transaction (commands/messages/store-batch.ts): a member may
 * send; a direct conversation carries messages only while the two are contacts (a removal or a block ends it). For a
 * non-member the conversation does not exist.
 */
export function assertCanSend(standing: SendStanding | undefined): void {
  if (!standing) throw notFound(NOT_FOUND_MESSAGE);
  if (standing.kind === 'direct' && standing.peer) assertStanding(standing.peer, standing.peer.username);
}
