import type { ConversationDto } from '../../../protocol/conversations.js';
import { insertConversation, insertMembers, listMembers } from '../../db/repositories/conversations.js';
import type { Deps } from '../../deps.js';
import { findPrivacy } from '../../db/repositories/disappearing.js';
import { AfterCommit } from '../../events/domain-events.js';
import type { Actor } from '../../policies/actor.js';
import { assertContacts } from '../access.js';
import type { UserRow } from '../../db/repositories/users.js';
import { findOtherUser } from '../resolve-user.js';
import { notAContact } from './open-direct.js';
import { conversationChanged, viewFor } from './conversation-view.js';

/** A named group of the creator (owner) and some of their contacts (members). */
export async function createGroup(deps: Deps, actor: Actor, name: string, usernames: string[]): Promise<ConversationDto> {
  const unique = [...new Map(usernames.map((u) => [u.toLowerCase(), u])).values()]
    .filter((u) => u.toLowerCase() !== actor.user.username_key);
  const others: UserRow[] = [];
  for (const username of unique) {
    const user = await findOtherUser(deps.db, actor, username);
    if (!user) throw notAContact(username);
    await assertContacts(deps.db, actor.user.id, user.id, username);
    others.push(user);
  }
  const now = Date.now();
  // The creator's default timer for new conversations (Settings → Privacy).
  const disappearing_seconds = (await findPrivacy(deps.db, actor.user.id))?.default_disappearing_seconds ?? null;
  const row = { id: crypto.randomUUID(), kind: 'group' as const, name, direct_key: null, last_seq: 0, created_at: now, last_activity_at: now, disappearing_seconds };
  const after = new AfterCommit();
  await deps.db.transaction().execute(async (trx) => {
    await insertConversation(trx, row);
    await insertMembers(trx, [
      { conversation_id: row.id, user_id: actor.user.id, role: 'owner' as const, joined_seq: 0, read_seq: 0, joined_at: now },
      ...others.map((u) => ({ conversation_id: row.id, user_id: u.id, role: 'member' as const, joined_seq: 0, read_seq: 0, joined_at: now })),
    ]);
    after.add(await conversationChanged(trx, row, [actor.user.id, ...others.map((u) => u.id)]));
  });
  after.flush(deps.events);
  return viewFor(deps.db, row, await listMembers(deps.db, row.id), actor.user.id);
}
