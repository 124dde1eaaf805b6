import { MLS_COMMIT } from '../../../protocol/e2e.js';
import type { Db } from '../connect.js';
import type { ConversationMembersTable, ConversationsTable } from '../schema.js';

export type ConversationRow = ConversationsTable;
export type MemberRow = ConversationMembersTable;
export type MemberWithName = MemberRow & { username: string };

export const directKey = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);

export function findConversation(db: Db, id: string): Promise<ConversationRow | undefined> {
  return db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findDirect(db: Db, key: string): Promise<ConversationRow | undefined> {
  return db.selectFrom('conversations').selectAll().where('direct_key', '=', key).executeTakeFirst();
}

export async function insertConversation(db: Db, row: ConversationRow): Promise<void> {
  await db.insertInto('conversations').values(row).execute();
}

export async function insertMembers(db: Db, rows: MemberRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('conversation_members').values(rows).execute();
}

export function findMember(db: Db, conversationId: string, userId: string): Promise<MemberRow | undefined> {
  return db.selectFrom('conversation_members').selectAll()
    .where('conversation_id', '=', conversationId).where('user_id', '=', userId).executeTakeFirst();
}

/** A user's membership with its conversation, in one query (the check every conversation access makes). */
export function findMembership(db: Db, conversationId: string, userId: string): Promise<(MemberRow & ConversationRow) | undefined> {
  return db.selectFrom('conversation_members').innerJoin('conversations', 'conversations.id', 'conversation_members.conversation_id')
    .selectAll('conversation_members').selectAll('conversations')
    .where('conversation_members.conversation_id', '=', conversationId).where('conversation_members.user_id', '=', userId)
    .executeTakeFirst();
}

/** The other member of a direct conversation, whether `me` has them as a contact, and whether either blocked the other. */
export async function findDirectPeer(db: Db, conversationId: string, me: string): Promise<{ userId: string; username: string; contact: boolean; blocked: boolean } | undefined> {
  const row = await db.selectFrom('conversation_members as m').innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.username'])
    .select((eb) => [
      eb.exists(eb.selectFrom('contacts').select('contacts.user_id')
        .where('contacts.user_id', '=', me).whereRef('contacts.contact_id', '=', 'm.user_id')).as('contact'),
      eb.exists(eb.selectFrom('blocks').select('blocks.blocker_id').where((b) => b.or([
        b.and([b('blocks.blocker_id', '=', me), b('blocks.blocked_id', '=', b.ref('m.user_id'))]),
        b.and([b('blocks.blocker_id', '=', b.ref('m.user_id')), b('blocks.blocked_id', '=', me)]),
      ]))).as('blocked'),
    ])
    .where('m.conversation_id', '=', conversationId).where('m.user_id', '!=', me).executeTakeFirst();
  if (!row) return undefined;
  // EXISTS is 0/1 on SQLite and a boolean on PostgreSQL.
  return { userId: row.user_id, username: row.username, contact: Boolean(row.contact), blocked: Boolean(row.blocked) };
}

export function listMembers(db: Db, conversationId: string): Promise<MemberWithName[]> {
  return db.selectFrom('conversation_members').innerJoin('users', 'users.id', 'conversation_members.user_id')
    .selectAll('conversation_members').select('users.username')
    .where('conversation_id', '=', conversationId).orderBy('conversation_members.joined_at').orderBy('users.username').execute();
}

export function listMembershipsOfUser(db: Db, userId: string): Promise<(MemberRow & ConversationRow)[]> {
  return db.selectFrom('conversation_members').innerJoin('conversations', 'conversations.id', 'conversation_members.conversation_id')
    .selectAll('conversation_members').selectAll('conversations')
    .where('conversation_members.user_id', '=', userId)
    .orderBy('conversations.last_activity_at', 'desc').execute();
}

export async function listConversationIdsOfUser(db: Db, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('conversation_members').select('conversation_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.conversation_id);
}

export async function updateRole(db: Db, conversationId: string, userId: string, role: MemberRow['role']): Promise<void> {
  await db.updateTable('conversation_members').set({ role })
    .where('conversation_id', '=', conversationId).where('user_id', '=', userId).execute();
}

export async function deleteMember(db: Db, conversationId: string, userId: string): Promise<void> {
  await db.deleteFrom('conversation_members').where('conversation_id', '=', conversationId).where('user_id', '=', userId).execute();
}

export async function renameConversation(db: Db, id: string, name: string): Promise<void> {
  await db.updateTable('conversations').set({ name }).where('id', '=', id).execute();
}

export async function setReadSeq(db: Db, conversationId: string, userId: string, seq: number): Promise<void> {
  await db.updateTable('conversation_members').set({ read_seq: seq })
    .where('conversation_id', '=', conversationId).where('user_id', '=', userId).where('read_seq', '<', seq).execute();
}

/**
 * Takes `count` consecutive sequence numbers of a conversation and returns the last (the first is last - count + 1).
 * On PostgreSQL the UPDATE holds the conversation's row lock until commit, which serialises senders.
 */
export async function takeSeqs(db: Db, conversationId: string, count: number, now: number): Promise<number> {
  const row = await db.updateTable('conversations')
    .set((eb) => ({ last_seq: eb('last_seq', '+', count), last_activity_at: now }))
    .where('id', '=', conversationId).returning('last_seq').executeTakeFirstOrThrow();
  return row.last_seq;
}

/** Unread: others' live messages after the read position (and after joining). */
export async function countUnread(db: Db, conversationId: string, userId: string, fromSeq: number): Promise<number> {
  const row = await db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('conversation_id', '=', conversationId).where('seq', '>', fromSeq)
    .where('sender_id', '!=', userId).where('deleted_at', 'is', null)
    // An MLS commit is no message anyone reads: it does not count as unread.
    .where('content_type', '!=', MLS_COMMIT).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Whether two users are members of at least one common conversation. */
export async function shareConversation(db: Db, a: string, b: string): Promise<boolean> {
  const row = await db.selectFrom('conversation_members as x')
    .innerJoin('conversation_members as y', 'y.conversation_id', 'x.conversation_id')
    .select('x.conversation_id').where('x.user_id', '=', a).where('y.user_id', '=', b).limit(1).executeTakeFirst();
  return row !== undefined;
}
