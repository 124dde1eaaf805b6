import type { Db } from '../../db/connect.js';
import { findMember } from '../../db/repositories/conversations.js';
import { findBlob, type BlobWithMessage } from '../../db/repositories/blobs.js';
import { notFound } from '../../errors.js';
import type { Actor } from '../../policies/actor.js';
import { canReadBlob, canWriteUpload } from '../../policies/blobs.js';

/** Loads what the blob rules (policies/blobs.ts) decide over. */

const NO_SUCH_FILE = 'No such file.';

/** The one decision for a download. Anyone who may not read a blob gets NOT_FOUND, exactly as for a random id. */
export async function accessBlob(db: Db, actor: Actor, blobId: string): Promise<BlobWithMessage> {
  const blob = await findBlob(db, blobId);
  if (!blob) throw notFound(NO_SUCH_FILE);
  const member = await findMember(db, blob.conversation_id, actor.user.id);
  if (!canReadBlob(blob, member, actor.user.id)) throw notFound(NO_SUCH_FILE);
  return blob;
}

/** An upload in progress belongs to its uploader, who must still be a member; to anyone else it does not exist. */
export async function accessOwnUpload(db: Db, actor: Actor, blobId: string): Promise<BlobWithMessage> {
  const blob = await findBlob(db, blobId);
  if (!blob) throw notFound(NO_SUCH_FILE);
  const member = blob.uploader_id === actor.user.id ? await findMember(db, blob.conversation_id, actor.user.id) : undefined;
  if (!canWriteUpload(blob, actor.user.id, member)) throw notFound(NO_SUCH_FILE);
  return blob;
}
