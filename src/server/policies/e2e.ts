import type { MemberRow } from '../db/repositories/conversations.js';
import type { UserRow } from '../db/repositories/users.js';
import { AppError, notFound } from '../errors.js';
import type { Actor } from './actor.js';
import { assertCanRemoveMember, type Access } from './conversations.js';

/**
 * Who may see a user's identity key, devices and KeyPackages: the user, their accepted contacts, and anyone they share
 * a conversation with (group members must encrypt to each other, blocks or not): `related` (read by
 * commands/access.ts). For anyone else the user does not exist: the answer is the one for a name without an account.
 */
export function directoryEntry(actor: Actor, username: string, user: UserRow | undefined, related: boolean): UserRow {
  if (user && (user.id === actor.user.id || related)) return user;
  throw notFound(`No user is called ${username}.`);
}

/** A device named in an MLS commit, with what the server knows of its user. */
export interface DeviceTarget {
  username: string;
  userId: string | undefined;
  /** The user's membership of the conversation, if they still are a member. */
  member: MemberRow | undefined;
  /** Registered and not revoked. */
  active: boolean;
}

/**
 * Adding a device to a conversation's MLS group: only registered, not revoked devices of users who are current members
 * of the conversation. Who is a member is decided by `conversations:addMember` (admins only); the MLS group then
 * follows that list, and any member's device may carry it out, so that the first member to write in a group can bring
 * every member's devices in (otherwise a plain member writing first would encrypt for nobody else).
 */
export function assertCanAddDevice(_access: Access, _actor: Actor, target: DeviceTarget): void {
  if (target.member === undefined || target.userId === undefined) {
    throw new AppError('FORBIDDEN', `${target.username} is not a member of this conversation.`);
  }
  if (!target.active) throw new AppError('FORBIDDEN', `That device of ${target.username} is not registered or was removed.`);
}

/**
 * Removing a device from a conversation's MLS group: your own devices; any device of a user who is no longer a
 * member (they left or were removed: the commit carries out what the server already decided); any revoked or unknown
 * device. Otherwise, in a group, the role rules of `conversations:removeMember`; in a direct conversation, never.
 */
export function assertCanRemoveDevice(access: Access, actor: Actor, target: DeviceTarget): void {
  if (target.userId === actor.user.id) return;
  if (target.member === undefined || !target.active) return;
  if (access.conversation.kind !== 'group') {
    throw new AppError('FORBIDDEN', 'You cannot remove the other member of a direct conversation.');
  }
  assertCanRemoveMember(access, target.member);
}

/**
 * An external join (a new device, or a resync of one) is only for a device of the session's own user, who must be a
 * current member (the caller's accessConversation checked that), registered and not revoked.
 */
export function assertCanJoinExternally(actor: Actor, joiner: DeviceTarget): void {
  if (joiner.userId !== actor.user.id) throw new AppError('FORBIDDEN', 'You can join only with a device of your own.');
  if (!joiner.active) throw new AppError('FORBIDDEN', 'That device is not registered or was removed.');
}

/** A commit is sent by the session's own user, from one of their active devices. */
export function assertOwnActiveDevice(actor: Actor, sender: DeviceTarget): void {
  if (sender.userId !== actor.user.id) throw new AppError('FORBIDDEN', 'You can commit only from a device of your own.');
  if (!sender.active) throw new AppError('FORBIDDEN', 'That device is not registered or was removed.');
}
