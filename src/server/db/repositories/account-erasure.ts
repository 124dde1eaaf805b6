import { MLS_COMMIT } from '../../../protocol/e2e.js';
import type { Db } from '../connect.js';
import { deleteMember, listMembers, updateRole } from './conversations.js';

export interface ErasedAccount {
  sessionIds: string[];
  /** Groups the user was taken out of. */
  groupsLeft: string[];
  /** Users who had the account as a contact, or a request or block with it: their view of it changed. */
  counterpartIds: string[];
  /** The user's messages turned into tombstones (body erased, vault copies gone). */
  tombstoned: string[];
  /** The user's uploads: rows deleted here, bytes removed by the caller once this commits. */
  blobIds: string[];
}

/**
 * Every row that names the user goes, inside the caller's transaction, except what must stay (docs/SECURITY.md,
 * "Deleting an account"): the users row as a reservation of the name (no credentials, no salt), the membership of
 * direct conversations (the other side keeps its log), the user's MLS commits (the group's state depends on them,
 * they carry no content) and the sender id of the user's tombstoned messages (the sequence numbers stay whole).
 */
export async function eraseAccountRows(trx: Db, userId: string, now: number): Promise<ErasedAccount> {
  await trx.deleteFrom('push_subscriptions').where('user_id', '=', userId).execute();
  const sessions = await trx.deleteFrom('sessions').where('user_id', '=', userId).returning('id').execute();
  await trx.deleteFrom('welcomes').where('user_id', '=', userId).execute();
  await trx.deleteFrom('key_packages').where('user_id', '=', userId).execute();
  await trx.deleteFrom('devices').where('user_id', '=', userId).execute();
  await trx.deleteFrom('identity_key_history').where('user_id', '=', userId).execute();
  await trx.deleteFrom('identities').where('user_id', '=', userId).execute();
  await trx.deleteFrom('vault_records').where('user_id', '=', userId).execute();
  await trx.deleteFrom('vault_keys').where('user_id', '=', userId).execute();
  await trx.deleteFrom('recovery_keys').where('user_id', '=', userId).execute();
  await trx.deleteFrom('privacy_settings').where('user_id', '=', userId).execute();

  await trx.deleteFrom('profiles').where('user_id', '=', userId).execute();

  const contacts = await trx.deleteFrom('contacts')
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('contact_id', '=', userId)]))
    .returning(['user_id', 'contact_id']).execute();
  const requests = await trx.deleteFrom('contact_requests')
    .where((eb) => eb.or([eb('from_id', '=', userId), eb('to_id', '=', userId)]))
    .returning(['from_id', 'to_id']).execute();
  const blocks = await trx.deleteFrom('blocks')
    .where((eb) => eb.or([eb('blocker_id', '=', userId), eb('blocked_id', '=', userId)]))
    .returning(['blocker_id', 'blocked_id']).execute();
  const counterparts = new Set([
    ...contacts.flatMap((c) => [c.user_id, c.contact_id]),
    ...requests.flatMap((r) => [r.from_id, r.to_id]),
    ...blocks.flatMap((b) => [b.blocker_id, b.blocked_id]),
  ]);
  counterparts.delete(userId);

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

  const messages = await trx.selectFrom('messages').select(['id', 'conversation_id', 'seq'])
    .where('sender_id', '=', userId).where('content_type', '!=', MLS_COMMIT).where('deleted_at', 'is', null).execute();
  for (const m of messages) {
    await trx.deleteFrom('vault_records').where('conversation_id', '=', m.conversation_id).where('seq', '=', m.seq).execute();
  }
  if (messages.length > 0) {
    await trx.updateTable('messages').set({ body: new Uint8Array(0), deleted_at: now })
      .where('sender_id', '=', userId).where('content_type', '!=', MLS_COMMIT).where('deleted_at', 'is', null).execute();
  }

  const blobs = await trx.deleteFrom('blobs').where('uploader_id', '=', userId).returning('id').execute();

  await trx.updateTable('users')
    .set({ deleted_at: now, suspended_at: null, auth_hash: '', kdf_salt: '' })
    .where('id', '=', userId).execute();
  return {
    sessionIds: sessions.map((s) => s.id),
    groupsLeft: groups.map((g) => g.id),
    counterpartIds: [...counterparts],
    tombstoned: messages.map((m) => m.id),
    blobIds: blobs.map((b) => b.id),
  };
}
