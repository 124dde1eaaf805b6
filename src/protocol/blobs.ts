import { z } from 'zod';
import { Id } from './common.js';

/**
 * Encrypted file storage (attachments). The server holds opaque ciphertext: it learns a blob's id, the conversation it
 * was uploaded for and its size in bytes, nothing else (no name, no type, no key).
 *
 * Upload, resumable: `POST /api/blobs` declares the ciphertext size → a blob id; `PATCH /api/blobs/:id` appends bytes
 * (`application/octet-stream`) at `Upload-Offset`; `GET /api/blobs/:id/upload` tells how many bytes arrived (resume
 * after a dropped connection). The upload is complete when the declared size has arrived. Download:
 * `GET /api/blobs/:id` (Range supported).
 */

/** Ciphertext bytes one blob may hold at most, whatever MAX_FILE_BYTES says (a sanity bound for the schema). */
export const MAX_BLOB_SIZE_LIMIT = 2 ** 40;
/** Blob ids one message may reference. */
export const MAX_BLOBS_PER_MESSAGE = 32;
/** The header that says where a PATCH's bytes go (and, in answers, how many bytes have arrived). */
export const UPLOAD_OFFSET_HEADER = 'upload-offset';

export const CreateBlobRequest = z.strictObject({
  conversationId: Id,
  /** The ciphertext's exact size in bytes. */
  size: z.number().int().min(1).max(MAX_BLOB_SIZE_LIMIT),
});
export type CreateBlobRequest = z.infer<typeof CreateBlobRequest>;

export const BlobParams = z.strictObject({ id: Id });

export const UploadStatus = z.strictObject({
  blobId: Id,
  size: z.number().int().nonnegative(),
  /** Bytes stored so far: the next PATCH starts here. */
  offset: z.number().int().nonnegative(),
  complete: z.boolean(),
});
export type UploadStatus = z.infer<typeof UploadStatus>;

/** `Upload-Offset: N` — a non-negative decimal integer. */
export const UploadOffset = z
  .string()
  .regex(/^\d{1,15}$/, 'Upload-Offset must be a non-negative integer')
  .transform(Number);

export const AttachBlobsRequest = z.strictObject({
  messageId: Id,
  blobIds: z.array(Id).min(1).max(MAX_BLOBS_PER_MESSAGE),
});
export type AttachBlobsRequest = z.infer<typeof AttachBlobsRequest>;

/** The answer to attaching or to deleting an upload. */
export const BlobOkResponse = z.strictObject({ ok: z.literal(true) });


export { encryptedFileSize, FILE_FORMAT } from './file-format.js';
