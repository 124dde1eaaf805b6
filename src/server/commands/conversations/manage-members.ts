import { MAX_GROUP_MEMBERS, type ConversationDto } from '../../../protocol/conversations.js';
import { deleteMember, findConversation, findMember, insertMembers, listMembers, updateRole } from '../../db/repositories/conversations.js';
import type { Deps } from '../../deps.js';
import { AfterCommit } from '../../events/domain-events.js';
import { AppError, notFound } from '../../errors.js';
import type { Actor } from '../../policies/actor.js';
import { accessConversation, assertContacts } from '../access.js';
import { assertCanAddMembers, assertCanLeave, assertCanRemoveMember, assertCanSetRole } from '../../policies/conversations.js';
import { findOtherUser } from '../resolve-user.js';
import { notAContact } from './open-direct.js';
import { conversationChanged, viewFor } from './conversation-view.js';

async function refreshed(deps: Deps, conversationId: string, actor: Actor): Promise<ConversationDto> {
  const conversation = await findConversation(deps.db, conversationId);
  if (!conversation) throw notFound('No such conversation.');
  return viewFor(deps.db, conversation, await listMembers(deps.db, conversationId), actor.user.id);
}

/** An admin adds one of their contacts; the newcomer reads from this point on. */
export async function addMember(deps: Deps, actor: Actor, conversationId: string, username: string): Promise<ConversationDto> {
  const access = await accessConversation(deps.db, actor, conversationId);
  assertCanAddMembers(access);
  const user = await findOtherUser(deps.db, actor, username);
  if (user && (await findMember(deps.db, conversationId, user.id))) throw new AppError('CONFLICT', `${user.username} is already a member.`);
  if ((await listMembers(deps.db, conversationId)).length >= MAX_GROUP_MEMBERS) {
    throw new AppError('CONFLICT', `A group holds at most ${MAX_GROUP_MEMBERS} members.`);
  }
  // A name without an account answers like an account that is not a contact (no user-name oracle).
  if (!user) throw notAContact(username);
  await assertContacts(deps.db, actor.user.id, user.id, username);
  const after = new AfterCommit();
  await deps.db.transaction().execute(async (trx) => {
    const conversation = await findConversation(trx, conversationId);
    if (!conversation) throw notFound('No such conversation.');
    await insertMembers(trx, [{
      conversation_id: conversationId, user_id: user.id, role: 'member', joined_seq: conversation.last_seq,
      read_seq: conversation.last_seq, joined_at: Date.now(),
    }]);
    after.add(await conversationChanged(trx, conversation, [user.id]));
  });
  after.flush(deps.events);
  return refreshed(deps, conversationId, actor);
}

/** Removes a member at once: their sockets leave the conversation before anything else is sent to it. */
export async function removeMember(deps: Deps, actor: Actor, conversationId: string, username: string): Promise<ConversationDto> {
  const access = await accessConversation(deps.db, actor, conversationId);
  const user = await findOtherUser(deps.db, actor, username);
  const target = user && (await findMember(deps.db, conversationId, user.id));
  if (!user || !target) throw notFound(`${username} is not a member.`);
  assertCanRemoveMember(access, target);
  await deleteMember(deps.db, conversationId, user.id);
  deps.events.publish({ type: 'conversation.removed', conversationId, userId: user.id });
  deps.events.publish(await conversationChanged(deps.db, access.conversation, []));
  return refreshed(deps, conversationId, actor);
}

/** Leaves a group; an owner who leaves hands ownership to the longest-standing admin, else member. */
export async function leaveConversation(deps: Deps, actor: Actor, conversationId: string): Promise<void> {
  const access = await accessConversation(deps.db, actor, conversationId);
  assertCanLeave(access);
  await deps.db.transaction().execute(async (trx) => {
    await deleteMember(trx, conversationId, actor.user.id);
    if (access.member.role === 'owner') {
      const rest = await listMembers(trx, conversationId);
      const heir = rest.find((m) => m.role === 'admin') ?? rest[0];
      if (heir) await updateRole(trx, conversationId, heir.user_id, 'owner');
    }
  });
  deps.events.publish({ type: 'conversation.removed', conversationId, userId: actor.user.id });
  deps.events.publish(await conversationChanged(deps.db, access.conversation, []));
}

/** The owner makes a member an admin or back. */
export async function setRole(deps: Deps, actor: Actor, conversationId: string, username: string, role: 'admin' | 'member'): Promise<ConversationDto> {
  const access = await accessConversation(deps.db, actor, conversationId);
  assertCanSetRole(access);
  const user = await findOtherUser(deps.db, actor, username);
  const target = user && (await findMember(deps.db, conversationId, user.id));
  if (!user || !target) throw notFound(`${username} is not a member.`);
  await updateRole(deps.db, conversationId, user.id, role);
  deps.events.publish(await conversationChanged(deps.db, access.conversation, []));
  return refreshed(deps, conversationId, actor);
}
