import type { ConversationDto } from '../../../protocol/conversations.js';
import { findConversation, listMembers, listMembershipsOfUser, renameConversation } from '../../db/repositories/conversations.js';
import type { Deps } from '../../deps.js';
import { notFound } from '../../errors.js';
import type { Actor } from '../../policies/actor.js';
import { accessConversation } from '../access.js';
import { assertCanRename } from '../../policies/conversations.js';
import { conversationChanged, viewFor } from './conversation-view.js';

export async function renameGroup(deps: Deps, actor: Actor, conversationId: string, name: string): Promise<ConversationDto> {
  const access = await accessConversation(deps.db, actor, conversationId);
  assertCanRename(access);
  await renameConversation(deps.db, conversationId, name);
  const conversation = await findConversation(deps.db, conversationId);
  if (!conversation) throw notFound('No such conversation.');
  deps.events.publish(await conversationChanged(deps.db, conversation, []));
  return viewFor(deps.db, conversation, await listMembers(deps.db, conversationId), actor.user.id);
}

export async function getConversation(deps: Deps, actor: Actor, conversationId: string): Promise<ConversationDto> {
  const { conversation } = await accessConversation(deps.db, actor, conversationId);
  return viewFor(deps.db, conversation, await listMembers(deps.db, conversationId), actor.user.id);
}

/** The user's conversations, most recently active first (one the user leaves while it is being listed is left out). */
export async function listConversations(deps: Deps, actor: Actor): Promise<ConversationDto[]> {
  const rows = await listMembershipsOfUser(deps.db, actor.user.id);
  const views = await Promise.all(
    rows.map(async (row) => {
      const members = await listMembers(deps.db, row.id);
      return members.some((m) => m.user_id === actor.user.id) ? viewFor(deps.db, row, members, actor.user.id) : undefined;
    }),
  );
  return views.filter((v): v is ConversationDto => v !== undefined);
}
