import type { Db } from '../connect.js';
import type { MessagesTable } from '../schema.js';

export type MessageRow = MessagesTable;
export type MessageWithSender = MessageRow & { sender_username: string };

const withSender = (db: Db) =>
  db.selectFrom('messages').innerJoin('users', 'users.id', 'messages.sender_id')
    .selectAll('messages').select('users.username as sender_username');

export function findBySenderKey(db: Db, senderId: string, clientKey: string): Promise<MessageWithSender | undefined> {
  return withSender(db).where('messages.sender_id', '=', senderId).where('messages.client_key', '=', clientKey).executeTakeFirst();
}

export function findMessage(db: Db, id: string): Promise<MessageWithSender | undefined> {
  return withSender(db).where('messages.id', '=', id).executeTakeFirst();
}

export async function insertMessage(db: Db, row: MessageRow): Promise<void> {
  await db.insertInto('messages').values(row).execute();
}

/** Newest first from the database, returned oldest first. */
export async function messagesBefore(db: Db, conversationId: string, before: number, minSeq: number, limit: number): Promise<MessageWithSender[]> {
  const rows = await withSender(db).where('messages.conversation_id', '=', conversationId)
    .where('messages.seq', '<', before).where('messages.seq', '>', minSeq)
    .orderBy('messages.seq', 'desc').limit(limit).execute();
  return rows.reverse();
}

export function messagesAfter(db: Db, conversationId: string, after: number, limit: number): Promise<MessageWithSender[]> {
  return withSender(db).where('messages.conversation_id', '=', conversationId).where('messages.seq', '>', after)
    .orderBy('messages.seq', 'asc').limit(limit).execute();
}

export async function updateMessageBody(db: Db, id: string, contentType: string, body: Uint8Array, now: number): Promise<void> {
  await db.updateTable('messages').set({ content_type: contentType, body, edited_at: now }).where('id', '=', id).execute();
}

export async function tombstoneMessage(db: Db, id: string, now: number): Promise<void> {
  await db.updateTable('messages').set({ body: new Uint8Array(0), deleted_at: now }).where('id', '=', id).execute();
}
