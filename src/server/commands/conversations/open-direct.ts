import type { ConversationDto } from '../../../protocol/conversations.js';
import { directKey, findDirect, insertConversation, insertMembers, listMembers } from '../../db/repositories/conversations.js';
import type { Deps } from '../../deps.js';
import { AfterCommit } from '../../events/domain-events.js';
import type { Actor } from '../../policies/actor.js';
import { assertContacts } from '../access.js';
import { resolveOtherUser } from '../resolve-user.js';
import { conversationChanged, viewFor } from './conversation-view.js';

/** The direct conversation with a contact: created on first open, the same one after. */
export async function openDirect(deps: Deps, actor: Actor, username: string): Promise<ConversationDto> {
  const other = await resolveOtherUser(deps.db, actor, username);
  await assertContacts(deps.db, actor.user.id, other.id, other.username);
  const key = directKey(actor.user.id, other.id);
  let conversation = await findDirect(deps.db, key);
  if (!conversation) {
    const now = Date.now();
    const row = { id: crypto.randomUUID(), kind: 'direct' as const, name: null, direct_key: key, last_seq: 0, created_at: now, last_activity_at: now };
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
