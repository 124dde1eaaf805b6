import type { ConversationDto } from '../../../protocol/conversations.js';
import type { MuteChoice, SetConversationNotifyRequest } from '../../../protocol/notifications.js';
import { listMembers } from '../../db/repositories/conversations.js';
import { updateMemberNotify } from '../../db/repositories/push.js';
import type { Deps } from '../../deps.js';
import type { Actor } from '../../policies/actor.js';
import { MUTED_FOREVER } from '../../presenters/conversation.js';
import { accessConversation } from '../access.js';
import { viewFor } from '../conversations/conversation-view.js';

const HOUR = 3_600_000;

/** The instant a mute choice runs to, from the server's clock (null: not muted). */
export function mutedUntil(choice: MuteChoice, now: number): number | null {
  switch (choice) {
    case '1h':
      return now + HOUR;
    case '8h':
      return now + 8 * HOUR;
    case 'forever':
      return MUTED_FOREVER;
    case 'off':
      return null;
  }
}

/**
 * Sets the user's own mute and "mentions only" for a conversation they are a member of (anyone else: NOT_FOUND). The
 * new view goes to every socket of the user (the `conversation` event), so all their devices follow at once.
 */
export async function setConversationNotify(
  deps: Deps,
  actor: Actor,
  conversationId: string,
  request: SetConversationNotifyRequest,
): Promise<ConversationDto> {
  const access = await accessConversation(deps.db, actor, conversationId);
  await updateMemberNotify(deps.db, conversationId, actor.user.id, {
    mutedUntil: request.mute === undefined ? undefined : mutedUntil(request.mute, Date.now()),
    mentionsOnly: request.mentionsOnly,
  });
  const members = await listMembers(deps.db, conversationId);
  const view = await viewFor(deps.db, access.conversation, members, actor.user.id);
  deps.events.publish({ type: 'conversation.changed', views: [{ userId: actor.user.id, conversation: view }], joinUserIds: [] });
  return view;
}
