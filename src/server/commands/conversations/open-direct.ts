import type { ConversationDto } from '../../../protocol/conversations.js';
import { directKey, findDirect, insertConversation, insertMembers, listMembers } from '../../db/repositories/conversations.js';
import type { Deps } from '../../deps.js';
import { findPrivacy } from '../../db/repositories/disappearing.js';
import { AfterCommit } from '../../events/domain-events.js';
import type { Actor } from '../../policies/actor.js';
import { AppError } from '../../errors.js';
import { assertContacts } from '../access.js';
import { findOtherUser } from '../resolve-user.js';
import { conversationChanged, viewFor } from './conversation-view.js';

export const notAContact = (username: string) => new AppError('NOT_A_CONTACT', `${username} is not one of your contacts.`);

/** The direct conversation with a contact: created on first open, the same one after. */
export async function openDirect(deps: Deps, actor: Actor, username: string): Promise<ConversationDto> {
  const other = await findOtherUser(deps.db, actor, username);
  // A name without an account answers like an account that is not a contact (no user-name oracle).
  if (!other) throw notAContact(username);
  await assertContacts(deps.db, actor.user.id, other.id, username);
  const key = directKey(actor.user.id, other.id);
  let conversation = await findDirect(deps.db, key);
  if (!conversation) {
    const now = Date.now();
    const disappearing_seconds = (await findPrivacy(deps.db, actor.user.id))?.default_disappearing_seconds ?? null;
    const row = { id: crypto.randomUUID(), kind: 'direct' as const, name: null, direct_key: key, last_seq: 0, created_at: now, last_activity_at: now, disappearing_seconds };
    const after = new AfterCommit();
    try {
      await deps.db.transaction().execute(async (trx) => {
        await insertConversation(trx, row);
        await insertMembers(trx, [actor.user.id, other.id].map((user_id) => ({
          conversation_id: row.id, user_id, role: 'member' as const, joined_seq: 0, read_seq: 0, joined_at: now,
        })));
        after.add(await conversationChanged(trx, row, [actor.user.id, other.id]));
      });
      after.flush(deps.events);
    } catch (err) {
      // Both opened it at once: the unique direct key let one win; use that one.
      if (!(await findDirect(deps.db, key))) throw err;
    }
    conversation = await findDirect(deps.db, key);
    if (!conversation) throw new Error('openDirect: conversation vanished');
  }
  return viewFor(deps.db, conversation, await listMembers(deps.db, conversation.id), actor.user.id);
}
