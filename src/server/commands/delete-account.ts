import type { Db } from '../db/connect.js';
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
    const sessions = await trx.deleteFrom('sessions').where('user_id', '=', userId).returning('id').execute();
    await trx.deleteFrom('welcomes').where('user_id', '=', userId).execute();
    await trx.deleteFrom('key_packages').where('user_id', '=', userId).execute();
    await trx.deleteFrom('devices').where('user_id', '=', userId).execute();
    await trx.deleteFrom('identity_key_history').where('user_id', '=', userId).execute();
    await trx.deleteFrom('identities').where('user_id', '=', userId).execute();
    await trx.deleteFrom('vault_records').where('user_id', '=', userId).execute();
    await trx.deleteFrom('vault_keys').where('user_id', '=', userId).execute();
    await trx.deleteFrom('contacts').where((eb) => eb.or([eb('user_id', '=', userId), eb('contact_id', '=', userId)])).execute();
    await trx.deleteFrom('contact_requests').where((eb) => eb.or([eb('from_id', '=', userId), eb('to_id', '=', userId)])).execute();
    await trx.deleteFrom('blocks').where((eb) => eb.or([eb('blocker_id', '=', userId), eb('blocked_id', '=', userId)])).execute();

    const groups = await trx
      .selectFrom('conversation_members')
      .innerJoin('conversations', 'conversations.id', 'conversation_members.conversation_id')
      .select(['conversation_members.conversation_id as id', 'conversation_members.role as role'])
      .where('conversation_members.user_id', '=', userId)
      .where('conversations.kind', '=', 'group')
      .execute();
    for (const group of groups) {
      await deleteMember(trx, group.id, userId);
      if (group.role === 'owner') {
        const rest = await listMembers(trx, group.id);
        const heir = rest.find((m) => m.role === 'admin') ?? rest[0];
        if (heir) await updateRole(trx, group.id, heir.user_id, 'owner');
      }
    }

    await trx.updateTable('users').set({ deleted_at: now, suspended_at: null, auth_hash: '' }).where('id', '=', userId).execute();
    await trx.insertInto('account_signals').values({ id: timeOrderedId(), user_id: userId, reason: 'deleted', created_at: now }).execute();
    return { sessionIds: sessions.map((s) => s.id), groupsLeft: groups.map((g) => g.id) };
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
