import { z } from 'zod';
import { Id, Username } from './common.js';
import { MAX_BLOBS_PER_MESSAGE } from './blobs.js';
import { isMlsApplication, MLS_COMMIT, MLS_CONTENT_PREFIX, MLS_PRIVATE, MLS_SILENT } from './e2e.js';
import { SERVER_CONTENT_PREFIX } from './privacy.js';

/** The largest message body, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * An opaque message body: bytes the server stores and relays but never parses (UTF-8 text today, MLS ciphertext
 * with end-to-end encryption). socket.io carries it as a binary attachment: a Buffer in Node, an ArrayBuffer in
 * the browser.
 */
export const Body = z
  .union([
    z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'body must be bytes'),
    z.custom<ArrayBuffer>((v) => v instanceof ArrayBuffer, 'body must be bytes'),
  ])
  .transform((b): Uint8Array => (b instanceof Uint8Array ? b : new Uint8Array(b)))
  .refine((b) => b.byteLength <= MAX_BODY_BYTES, `body must be at most ${MAX_BODY_BYTES} bytes`);

export const ContentType = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9.+/-]*$/, 'content type must look like text/plain');

/** The client's idempotency key: a retried send with the same key never creates a second message. */
export const ClientKey = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'client key must be 8–64 characters of A-Z a-z 0-9 _ -');

export const MessageDto = z.strictObject({
  id: Id,
  conversationId: Id,
  seq: z.number().int().positive(),
  sender: Username,
  contentType: z.string(),
  body: Body,
  sentAt: z.iso.datetime(),
  editedAt: z.iso.datetime().nullable(),
  /** A deleted message is a tombstone: its body is empty. */
  deleted: z.boolean(),
  /** When the server erases it (the conversation's timer from the server's clock at store time); null: never. */
  expiresAt: z.iso.datetime().nullable().optional(),
  /** Erased because it expired (then also `deleted`): clients remove it from view, store, vault and index. */
  expired: z.boolean().optional(),
});
export type MessageDto = z.infer<typeof MessageDto>;

/**
 * A send. With content type `application/mls-commit` (an MLS commit) the request also carries the new epoch's
 * `groupInfo` and, when the commit adds devices, their `welcome`; no other content type may carry either. The other
 * `application/mls-*` types are reserved (only `application/mls-private` may be sent).
 */
export const SendMessageRequest = z
  .strictObject({
    conversationId: Id,
    clientKey: ClientKey,
    contentType: ContentType,
    body: Body,
    welcome: Body.optional(),
    groupInfo: Body.optional(),
    /**
     * Uploads this message carries (`POST /api/blobs`): bound to the message in the transaction that stores it, so a
     * file is never readable before its message exists, and never orphaned by an acknowledged send.
     */
    blobIds: z.array(Id).min(1).max(MAX_BLOBS_PER_MESSAGE).optional(),
  })
  .superRefine((req, ctx) => {
    const commit = req.contentType === MLS_COMMIT;
    if (req.contentType.startsWith(SERVER_CONTENT_PREFIX)) {
      ctx.addIssue({ code: 'custom', path: ['contentType'], message: 'this content type is written by the server only' });
    }
    if (req.blobIds && req.contentType.startsWith(MLS_CONTENT_PREFIX) && req.contentType !== MLS_PRIVATE) {
      ctx.addIssue({ code: 'custom', path: ['blobIds'], message: 'only an application message may carry files' });
    }
    if (req.contentType.startsWith(MLS_CONTENT_PREFIX) && !commit && !isMlsApplication(req.contentType)) {
      ctx.addIssue({ code: 'custom', path: ['contentType'], message: `only ${MLS_COMMIT}, ${MLS_PRIVATE} and ${MLS_SILENT} may be sent` });
    }
    if (commit && req.groupInfo === undefined) {
      ctx.addIssue({ code: 'custom', path: ['groupInfo'], message: 'a commit needs the GroupInfo of its new epoch' });
    }
    for (const field of ['welcome', 'groupInfo'] as const) {
      if (!commit && req[field] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: `only a ${MLS_COMMIT} message carries a ${field}` });
      }
    }
  });
export type SendMessageRequest = z.infer<typeof SendMessageRequest>;

/**
 * Whether a log entry counts as unread and notifies (the server's unread count and push, the client's count alike):
 * not an MLS commit, not a silent application message (MLS_SILENT: a profile key), not a notice the server wrote.
 */
export function countsAsUnread(contentType: string): boolean {
  return contentType !== MLS_COMMIT && contentType !== MLS_SILENT && !contentType.startsWith(SERVER_CONTENT_PREFIX);
}

/** An edit keeps the message's place in the log: MLS messages (commits, ciphertext of an epoch) cannot be edited. */
export const EditMessageRequest = z.strictObject({
  messageId: Id,
  contentType: ContentType.refine((t) => !t.startsWith(MLS_CONTENT_PREFIX), 'an MLS message cannot be edited in place'),
  body: Body,
});
export const DeleteMessageRequest = z.strictObject({ messageId: Id });

export const HistoryRequest = z.strictObject({
  conversationId: Id,
  /** Messages with a sequence number below this one (default: the newest). */
  before: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(100).default(50),
});
export const AfterRequest = z.strictObject({
  conversationId: Id,
  after: z.number().int().nonnegative(),
  limit: z.number().int().min(1).max(500).default(200),
});
export const ReadRequest = z.strictObject({ conversationId: Id, seq: z.number().int().nonnegative() });

export const MessageResponse = z.strictObject({ message: MessageDto });
export type MessageResponse = z.infer<typeof MessageResponse>;
export const MessagesResponse = z.strictObject({ messages: z.array(MessageDto), hasMore: z.boolean() });
export type MessagesResponse = z.infer<typeof MessagesResponse>;
export const ReadResponse = z.strictObject({ readSeq: z.number().int().nonnegative() });

export const ReadEvent = z.strictObject({ conversationId: Id, username: Username, seq: z.number().int().nonnegative() });
export type ReadEvent = z.infer<typeof ReadEvent>;
