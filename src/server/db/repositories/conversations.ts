import { MLS_COMMIT, MLS_SILENT } from '../../../protocol/e2e.js';
import { SERVER_CONTENT_PREFIX } from '../../../protocol/privacy.js';
import type { Db } from '../connect.js';
import { prepared } from '../prepared.js';
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

const membershipQuery = prepared((db: Db, p: { conversationId: string; userId: string }) =>
  db.selectFrom('conversation_members').innerJoin('conversations', 'conversations.id', 'conversation_members.conversation_id')
    .selectAll('conversation_members').selectAll('conversations')
    .where('conversation_members.conversation_id', '=', p.conversationId).where('conversation_members.user_id', '=', p.userId));

/** A user's membership with its conversation, in one query (the check every conversation access makes). */
export async function findMembership(db: Db, conversationId: string, userId: string): Promise<(MemberRow & ConversationRow) | undefined> {
  return (await membershipQuery(db, { conversationId, userId })).rows[0];
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

const readSeqQuery = prepared((db: Db, p: { conversationId: string; userId: string; seq: number }) =>
  db.updateTable('conversation_members').set({ read_seq: p.seq })
    .where('conversation_id', '=', p.conversationId).where('user_id', '=', p.userId).where('read_seq', '<', p.seq));

export async function setReadSeq(db: Db, conversationId: string, userId: string, seq: number): Promise<void> {
  await readSeqQuery(db, { conversationId, userId, seq });
}

const takeSeqsQuery = prepared((db: Db, p: { conversationId: string; count: number; now: number }) =>
  db.updateTable('conversations')
    .set((eb) => ({ last_seq: eb('last_seq', '+', p.count), last_activity_at: p.now }))
    .where('id', '=', p.conversationId).returning('last_seq'));

/**
 * Takes `count` consecutive sequence numbers of a conversation and returns the last (the first is last - count + 1).
 * On PostgreSQL the UPDATE holds the conversation's row lock until commit, which serialises senders.
 */
export async function takeSeqs(db: Db, conversationId: string, count: number, now: number): Promise<number> {
  const [row] = (await takeSeqsQuery(db, { conversationId, count, now })).rows;
  if (!row) throw new Error(`takeSeqs: no conversation ${conversationId}`);
  return row.last_seq;
}

/** Unread: others' live messages after the read position (and after joining), as `countsAsUnread` (protocol) says. */
export async function countUnread(db: Db, conversationId: string, userId: string, fromSeq: number): Promise<number> {
  const row = await db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('conversation_id', '=', conversationId).where('seq', '>', fromSeq)
    .where('sender_id', '!=', userId).where('deleted_at', 'is', null)
    // An MLS commit, a silent message (a profile key) and a server's notice (a timer change) are no message to read.
    .where('content_type', 'not in', [MLS_COMMIT, MLS_SILENT]).where('content_type', 'not like', `${SERVER_CONTENT_PREFIX}%`).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Whether two users are members of at least one common conversation. */
export async function shareConversation(db: Db, a: string, b: string): Promise<boolean> {
  const row = await db.selectFrom('conversation_members as x')
    .innerJoin('conversation_members as y', 'y.conversation_id', 'x.conversation_id')
    .select('x.conversation_id').where('x.user_id', '=', a).where('y.user_id', '=', b).limit(1).executeTakeFirst();
  return row !== undefined;
}
