import { sql } from 'kysely';
import type { Db } from '../connect.js';
import type { BlobChunksTable, BlobsTable } from '../schema.js';

export type BlobRow = BlobsTable;
/** A blob with what its access rule needs: whether the message that carries it was deleted. */
export type BlobWithMessage = BlobRow & { message_deleted_at: number | null };

export async function insertBlob(db: Db, row: BlobRow): Promise<void> {
  await db.insertInto('blobs').values(row).execute();
}

export function findBlob(db: Db, id: string): Promise<BlobWithMessage | undefined> {
  return db
    .selectFrom('blobs')
    .leftJoin('messages', 'messages.id', 'blobs.message_id')
    .selectAll('blobs')
    .select('messages.deleted_at as message_deleted_at')
    .where('blobs.id', '=', id)
    .executeTakeFirst();
}

/** Declared bytes of every blob this user has uploaded or is uploading (what counts against the quota). */
export async function bytesOfUploader(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('blobs')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), sql<number>`0`).as('total'))
    .where('uploader_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

export async function markBlobComplete(db: Db, id: string, now: number): Promise<void> {
  await db.updateTable('blobs').set({ completed_at: now }).where('id', '=', id).where('completed_at', 'is', null).execute();
}

/**
 * Binds complete, unattached blobs of this uploader and conversation to a message. Returns how many were bound (the
 * caller refuses the request unless it is all of them, inside its transaction).
 */
export async function attachBlobRows(
  db: Db,
  p: { ids: string[]; uploaderId: string; conversationId: string; messageId: string; messageSeq: number },
): Promise<number> {
  const result = await db
    .updateTable('blobs')
    .set({ message_id: p.messageId, message_seq: p.messageSeq })
    .where('id', 'in', p.ids)
    .where('uploader_id', '=', p.uploaderId)
    .where('conversation_id', '=', p.conversationId)
    .where('message_id', 'is', null)
    .where('completed_at', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function blobIdsOfMessage(db: Db, messageId: string): Promise<string[]> {
  const rows = await db.selectFrom('blobs').select('id').where('message_id', '=', messageId).execute();
  return rows.map((r) => r.id);
}

/** Blobs to collect: never attached and older than `createdBefore`, or carried by a deleted message. */
export async function collectableBlobIds(db: Db, createdBefore: number, limit: number): Promise<string[]> {
  const stale = await db
    .selectFrom('blobs')
    .select('id')
    .where('message_id', 'is', null)
    .where('created_at', '<', createdBefore)
    .limit(limit)
    .execute();
  const orphaned = await db
    .selectFrom('blobs')
    .leftJoin('messages', 'messages.id', 'blobs.message_id')
    .select('blobs.id')
    .where('blobs.message_id', 'is not', null)
    .where((eb) => eb.or([eb('messages.deleted_at', 'is not', null), eb('messages.id', 'is', null)]))
    .limit(limit)
    .execute();
  return [...stale, ...orphaned].map((r) => r.id);
}

export async function deleteBlobRows(db: Db, ids: string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('blobs').where('id', 'in', ids).execute();
}

// PostgreSQL chunk store (blobs/pg-store.ts).

export async function insertBlobChunk(db: Db, row: BlobChunksTable): Promise<void> {
  await db.insertInto('blob_chunks').values(row).execute();
}

/** Bytes stored for a blob: the end of its last chunk. */
export async function storedBlobBytes(db: Db, blobId: string): Promise<number> {
  const row = await db
    .selectFrom('blob_chunks')
    .select((eb) => ['offset', eb.fn<number>('octet_length', ['data']).as('length')])
    .where('blob_id', '=', blobId)
    .orderBy('offset', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.offset) + Number(row.length) : 0;
}

/** The chunks that hold bytes at or after `from` (none is longer than `maxChunk`), in order, a few at a time. */
export function blobChunksFrom(db: Db, blobId: string, from: number, maxChunk: number, limit: number): Promise<BlobChunksTable[]> {
  return db
    .selectFrom('blob_chunks')
    .selectAll()
    .where('blob_id', '=', blobId)
    .where('offset', '>', from - maxChunk)
    .where(sql<boolean>`"offset" + octet_length(data) > ${from}`)
    .orderBy('offset', 'asc')
    .limit(limit)
    .execute();
}

export async function deleteBlobChunks(db: Db, ids: string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('blob_chunks').where('blob_id', 'in', ids).execute();
}
