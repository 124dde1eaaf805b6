import type { Db } from '../db/connect.js';
import { eraseAccountData, groupMembershipsOfUser, insertAccountSignal, markUserDeleted } from '../db/repositories/accounts.js';
import { deleteMember, findConversation, listMembers, updateRole } from '../db/repositories/conversations.js';
import type { DomainEvent, EventPublisher } from '../events/domain-events.js';
import { timeOrderedId } from '../ids.js';
import { conversationChanged } from './conversations/conversation-view.js';

export interface DeletedAccount {
  sessionIds: string[];
  groupsLeft: string[];
}

/**
 * Deletes an account: its sessions, devices, key packages, identity keys, vault, contacts, requests and blocks go;
 * it leaves every group (an owner hands ownership on as in `leave`); the user row stays, marked deleted and without
 * credentials, so the name stays reserved (nobody can sign up as them and inherit their place in old conversations).
 * Messages already sent stay in the conversations' logs (ciphertext; the other members' history). Direct
 * conversations keep the deleted user as a member, so the other side keeps its history.
 *
 * One transaction; the events (sockets revoked, groups changed) are published after it. A signal row lets every
 * running server disconnect the account's sockets when the deletion is made from outside the server (the admin tool).
 */
export async function deleteAccount(db: Db, events: EventPublisher, userId: string, now = Date.now()): Promise<DeletedAccount> {
  const { sessionIds, groupsLeft } = await db.transaction().execute(async (trx) => {
    const sessionIds = await eraseAccountData(trx, userId);
    const groups = await groupMembershipsOfUser(trx, userId);
    for (const group of groups) {
      await deleteMember(trx, group.id, userId);
      if (group.role === 'owner') {
        const rest = await listMembers(trx, group.id);
        const heir = rest.find((m) => m.role === 'admin') ?? rest[0];
        if (heir) await updateRole(trx, group.id, heir.user_id, 'owner');
      }
    }

    await markUserDeleted(trx, userId, now);
    await insertAccountSignal(trx, { id: timeOrderedId(), user_id: userId, reason: 'deleted', created_at: now });
    return { sessionIds, groupsLeft: groups.map((g) => g.id) };
  });

  const after: DomainEvent[] = [{ type: 'sessions.revoked', sessionIds, reason: 'deleted' }];
  for (const id of groupsLeft) {
    after.push({ type: 'conversation.removed', conversationId: id, userId });
    const conversation = await findConversation(db, id);
    if (conversation) after.push(await conversationChanged(db, conversation, []));
  }
  for (const event of after) events.publish(event);
  return { sessionIds, groupsLeft };
}
