import type { Readable } from 'node:stream';
import { encryptedFileSize, type CreateBlobRequest, type UploadStatus } from '../../../protocol/blobs.js';
import { bytesOfUploader, insertBlob, markBlobComplete, type BlobRow } from '../../db/repositories/blobs.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import type { Actor } from '../../policies/actor.js';
import { accessOwnUpload } from './access.js';
import { accessConversation } from '../access.js';
import { randomId } from '../../security/tokens.js';

const MiB = 1024 * 1024;
const mib = (bytes: number) => `${Math.round((bytes / MiB) * 10) / 10} MiB`;

/** Uploads receiving bytes in this process: a second request for the same blob meanwhile is refused. */
const receiving = new Set<string>();

const status = (blob: Pick<BlobRow, 'id' | 'size' | 'completed_at'>, offset: number): UploadStatus => ({
  blobId: blob.id,
  size: blob.size,
  offset,
  complete: blob.completed_at !== null || offset === blob.size,
});

/**
 * Starts an upload for a conversation the actor is a member of. The size is the ciphertext's, checked against
 * MAX_FILE_BYTES (of plaintext, turned into ciphertext size) and the uploader's quota, which counts every blob they
 * hold or are uploading.
 */
export async function createUpload(deps: Deps, actor: Actor, req: CreateBlobRequest, now = Date.now()): Promise<UploadStatus> {
  const access = await accessConversation(deps.db, actor, req.conversationId);
  const { maxFileBytes, userQuotaBytes } = deps.config.files;
  if (req.size > encryptedFileSize(maxFileBytes)) {
    throw new AppError('FILE_TOO_LARGE', `Files can be at most ${mib(maxFileBytes)}.`);
  }
  const row: BlobRow = {
    id: randomId(),
    uploader_id: actor.user.id,
    conversation_id: req.conversationId,
    size: req.size,
    base_seq: access.conversation.last_seq,
    message_id: null,
    message_seq: null,
    created_at: now,
    completed_at: null,
  };
  await deps.db.transaction().execute(async (trx) => {
    const used = await bytesOfUploader(trx, actor.user.id);
    if (used + req.size > userQuotaBytes) {
      throw new AppError(
        'QUOTA_EXCEEDED',
        `Your files would take ${mib(used + req.size)} of your ${mib(userQuotaBytes)}: delete some messages with files first.`,
      );
    }
    await insertBlob(trx, row);
  });
  return status(row, 0);
}

export async function uploadStatus(deps: Deps, actor: Actor, blobId: string): Promise<UploadStatus> {
  const blob = await accessOwnUpload(deps.db, actor, blobId);
  return status(blob, blob.completed_at !== null ? blob.size : await deps.blobs.size(blobId));
}

/**
 * Appends a request's bytes at `offset` (which must be what is stored). The bytes stream to the store; what arrived
 * before a dropped connection stays, and the client resumes from the offset the status reports. Reaching the
 * declared size completes the upload.
 */
export async function appendUpload(
  deps: Deps,
  actor: Actor,
  blobId: string,
  offset: number,
  body: Readable,
  declaredLength: number | undefined,
  now = Date.now(),
): Promise<UploadStatus> {
  const blob = await accessOwnUpload(deps.db, actor, blobId);
  if (blob.completed_at !== null) throw new AppError('CONFLICT', 'This upload is already complete.');
  if (offset > blob.size || (declaredLength !== undefined && offset + declaredLength > blob.size)) {
    throw new AppError('FILE_TOO_LARGE', `This upload was declared as ${blob.size} bytes: the request goes beyond that.`);
  }
  if (receiving.has(blobId)) throw new AppError('CONFLICT', 'Another request is uploading to this file right now.');
  receiving.add(blobId);
  let stored: number;
  try {
    stored = await deps.blobs.append(blobId, offset, body, blob.size - offset);
  } finally {
    receiving.delete(blobId);
  }
  if (stored === blob.size) {
    await deps.blobs.seal(blobId);
    await markBlobComplete(deps.db, blobId, now);
  }
  return status(blob, stored);
}
