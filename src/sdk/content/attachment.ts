import { z } from 'zod';
import { MAX_BLOB_SIZE_LIMIT } from '../../protocol/blobs.js';
import { base64UrlBytes } from '../../protocol/common.js';

/** Limits of one attachment's description inside a message. */
export const ATTACHMENT_LIMITS = {
  nameChars: 255,
  typeChars: 127,
  /** A thumbnail's bytes (a small JPEG/WebP made on the sender's device), base64url in the message. */
  thumbnailBytes: 12 * 1024,
  dimension: 65_535,
} as const;

/**
 * Everything needed to fetch, decrypt and show one file; it travels only inside the MLS message (the server sees the
 * blob id in the upload and download requests, never the key, hash, name or type). Unknown fields from a newer client
 * are dropped, not refused.
 */
export const AttachmentDescriptor = z.object({
  blobId: z.uuid(),
  /** The file's secretstream key, base64url. */
  key: base64UrlBytes(32),
  /** SHA-256 of the ciphertext, base64url. */
  hash: base64UrlBytes(32),
  name: z.string().min(1).max(ATTACHMENT_LIMITS.nameChars),
  /** The MIME type the sender's device gave (a hint for display; the file is never rendered by it). */
  type: z.string().max(ATTACHMENT_LIMITS.typeChars),
  /** Plaintext size in bytes. */
  size: z.number().int().nonnegative().max(MAX_BLOB_SIZE_LIMIT),
  width: z.number().int().min(1).max(ATTACHMENT_LIMITS.dimension).optional(),
  height: z.number().int().min(1).max(ATTACHMENT_LIMITS.dimension).optional(),
  thumbnail: z
    .string()
    .max(Math.ceil((ATTACHMENT_LIMITS.thumbnailBytes * 4) / 3))
    .regex(/^[A-Za-z0-9_-]*$/, 'must be base64url')
    .optional(),
});
export type AttachmentDescriptor = z.infer<typeof AttachmentDescriptor>;
