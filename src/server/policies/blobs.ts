import type { Db } from '../db/connect.js';
import { findMember } from '../db/repositories/conversations.js';
import { findBlob, type BlobWithMessage } from '../db/repositories/blobs.js';
import { notFound } from '../errors.js';
import type { Actor } from './actor.js';

const NO_SUCH_FILE = 'No such file.';

/** What the read rule looks at: the blob, the message carrying it, and the reader's membership (if any). */
export interface BlobFacts {
  completed_at: number | null;
  base_seq: number;
  message_id: string | null;
  message_seq: number | null;
  message_deleted_at: number | null;
}

/**
 * Blobs are read like the messages that carry them. A member reads a blob carried by a message they can see (sent
 * after they joined, not deleted). Before any message carries it, the members who were there when the upload began
 * may read it (the message can only come later; this spares a race between the message and its attachment). Nobody
 * reads an incomplete upload, and a non-member (removed or never there) reads nothing.
 */
export function canReadBlob(blob: BlobFacts, member: { joined_seq: number } | undefined): boolean {
  if (!member || blob.completed_at === null) return false;
  if (blob.message_id === null) return member.joined_seq <= blob.base_seq;
  if (blob.message_deleted_at !== null || blob.message_seq === null) return false;
  return blob.message_seq > member.joined_seq;
}

/** The one decision for a download. Anyone who may not read a blob gets NOT_FOUND, exactly as for a random id. */
export async function accessBlob(db: Db, actor: Actor, blobId: string): Promise<BlobWithMessage> {
  const blob = await findBlob(db, blobId);
  if (!blob) throw notFound(NO_SUCH_FILE);
  const member = await findMember(db, blob.conversation_id, actor.user.id);
  if (!canReadBlob(blob, member)) throw notFound(NO_SUCH_FILE);
  return blob;
}

/** An upload in progress belongs to its uploader, who must still be a member; to anyone else it does not exist. */
export async function accessOwnUpload(db: Db, actor: Actor, blobId: string): Promise<BlobWithMessage> {
  const blob = await findBlob(db, blobId);
  if (!blob || blob.uploader_id !== actor.user.id) throw notFound(NO_SUCH_FILE);
  if (!(await findMember(db, blob.conversation_id, actor.user.id))) throw notFound(NO_SUCH_FILE);
  return blob;
}
