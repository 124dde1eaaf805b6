import { sql } from 'kysely';
import type { Db } from '../connect.js';
import { prepared } from '../prepared.js';
import type { MessagesTable } from '../schema.js';

export type MessageRow = MessagesTable;
export type MessageWithSender = MessageRow & { sender_username: string };

/** Rows or key pairs per statement: 100 rows of 10 columns stay far below SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 100;

const withSender = (db: Db) =>
  db.selectFrom('messages').innerJoin('users', 'users.id', 'messages.sender_id')
    .selectAll('messages').select('users.username as sender_username');

export function findBySenderKey(db: Db, senderId: string, clientKey: string): Promise<MessageWithSender | undefined> {
  return withSender(db).where('messages.client_key', '=', clientKey).where('messages.sender_id', '=', senderId).executeTakeFirst();
}

export function findMessage(db: Db, id: string): Promise<MessageWithSender | undefined> {
  return withSender(db).where('messages.id', '=', id).executeTakeFirst();
}

const bySenderKeysQuery = prepared((db: Db, p: { keys: { senderId: string; clientKey: string }[] }) =>
  withSender(db).where((eb) => eb(eb.refTuple('messages.client_key', 'messages.sender_id'), 'in', p.keys.map((k) => eb.tuple(k.clientKey, k.senderId)))));

/** The stored messages among these (sender, client key) pairs: one indexed query for a whole batch of sends. */
export async function findBySenderKeys(db: Db, keys: { senderId: string; clientKey: string }[]): Promise<MessageWithSender[]> {
  const found: MessageWithSender[] = [];
  for (let i = 0; i < keys.length; i += CHUNK) found.push(...(await bySenderKeysQuery(db, { keys: keys.slice(i, i + CHUNK) })).rows);
  return found;
}

const insertQuery = prepared((db: Db, p: { rows: MessageRow[] }) => db.insertInto('messages').values(p.rows));

/** Several rows in as few statements as the dialects' parameter limits allow. */
export async function insertMessages(db: Db, rows: MessageRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insertQuery(db, { rows: rows.slice(i, i + CHUNK) });
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

/** Sequence numbers and body sizes, newest first, of up to `limit` messages before `before` (bodies not read). */
export function messageSizesBefore(db: Db, conversationId: string, before: number, minSeq: number, limit: number): Promise<{ seq: number; size: number }[]> {
  return db.selectFrom('messages').select(['seq', sql<number>`length(body)`.as('size')])
    .where('conversation_id', '=', conversationId).where('seq', '<', before).where('seq', '>', minSeq)
    .orderBy('seq', 'desc').limit(limit).execute();
}

/** Sequence numbers and body sizes, oldest first, of up to `limit` messages after `after`. */
export function messageSizesAfter(db: Db, conversationId: string, after: number, limit: number): Promise<{ seq: number; size: number }[]> {
  return db.selectFrom('messages').select(['seq', sql<number>`length(body)`.as('size')])
    .where('conversation_id', '=', conversationId).where('seq', '>', after)
    .orderBy('seq', 'asc').limit(limit).execute();
}

export async function updateMessageBody(db: Db, id: string, contentType: string, body: Uint8Array, now: number): Promise<void> {
  await db.updateTable('messages').set({ content_type: contentType, body, edited_at: now }).where('id', '=', id).execute();
}

export async function tombstoneMessage(db: Db, id: string, now: number): Promise<void> {
  await db.updateTable('messages').set({ body: new Uint8Array(0), deleted_at: now }).where('id', '=', id).execute();
}
