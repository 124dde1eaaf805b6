/**
 * What a send carries besides text: files to upload first, the message it answers, the users it mentions. The files
 * are encrypted and uploaded once per outbox item (their descriptors are kept on the item), so a retry or a rebuild
 * after STALE_EPOCH re-encrypts the message only, never the files.
 */
import type { AttachmentInput, Attachments, TransferOptions } from '../attachments.js';
import { CONTENT_LIMITS, isSingleEmoji } from '../content/codec.js';
import type { AttachmentDescriptor } from '../content/attachment.js';
import { ParleyError } from '../errors.js';
import type { Content } from './codec.js';

/** What `messages.send` takes: a string, or text with a reply and files. */
export interface SendContent {
  text?: string;
  /** The id of the message this one answers (one this client has shown). */
  replyTo?: string;
  /** Files (encrypted on this device under a fresh key each, uploaded, then bound to the message). */
  attachments?: AttachmentInput[];
  /** User names mentioned; by default every `@name` in the text that names a member of the conversation. */
  mentions?: string[];
  /**
   * The local id and idempotency key to send under (a UUID), for a caller that kept the message across a reload (an
   * offline outbox): however often it is sent with this key, the server stores it once. By default a new UUIDv7.
   */
  localId?: string;
}

/** One file of an outbox item: uploaded once, its descriptor kept for every later attempt. */
export interface PendingUpload {
  readonly input: AttachmentInput;
  descriptor?: AttachmentDescriptor;
  /** Ciphertext bytes sent so far, of `total`. */
  done: number;
  total: number;
}

/** An upload's progress as an echo shows it. */
export interface UploadProgress {
  name: string;
  type: string;
  size: number;
  done: number;
  total: number;
}

const MENTION = /(?:^|[^A-Za-z0-9_.@-])@([A-Za-z0-9_.-]{3,32})/g;

/** `@name`s of the text that are members (case-insensitive), as the members spell them; each once. */
export function mentionsIn(text: string, members: readonly string[] | undefined): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const name = (match[1] ?? '').replace(/[.-]+$/, '');
    const member = members ? members.find((m) => m.toLowerCase() === name.toLowerCase()) : name;
    if (member) found.add(member);
  }
  return [...found].slice(0, CONTENT_LIMITS.mentions);
}

/** Checks what can be checked before anything is uploaded or queued (a clear error, nothing sent). */
export function checkSendContent(content: SendContent): void {
  const text = content.text ?? '';
  const files = content.attachments ?? [];
  if (text.trim() === '' && files.length === 0) throw new ParleyError('VALIDATION_FAILED', 'A message needs text or a file.');
  if (text.length > CONTENT_LIMITS.textChars) {
    throw new ParleyError('PAYLOAD_TOO_LARGE', `A message holds at most ${CONTENT_LIMITS.textChars} characters of text.`);
  }
  if (files.length > CONTENT_LIMITS.attachments) {
    throw new ParleyError('VALIDATION_FAILED', `A message carries at most ${CONTENT_LIMITS.attachments} files.`);
  }
  for (const f of files) {
    if (f.name.length === 0 || f.name.length > 255) throw new ParleyError('VALIDATION_FAILED', 'A file name has 1 to 255 characters.');
  }
}

export function checkEmoji(emoji: string): void {
  if (!isSingleEmoji(emoji)) throw new ParleyError('VALIDATION_FAILED', 'A reaction is one emoji.');
}

/**
 * Uploads the files not uploaded yet (one after the other), telling `progress` as they go; then the content with
 * every descriptor, and the blob ids the send binds.
 */
export async function uploadPending(
  files: Attachments | undefined,
  conversationId: string,
  content: Content,
  uploads: PendingUpload[],
  progress: () => void,
  options: Pick<TransferOptions, 'signal'> = {},
): Promise<{ content: Content; blobIds: string[] }> {
  if (uploads.length === 0 || content.kind !== 'message') return { content, blobIds: [] };
  if (!files) throw new ParleyError('NOT_CONNECTED', 'This client cannot upload files.');
  for (const u of uploads) {
    if (u.descriptor) continue;
    u.descriptor = await files.upload(conversationId, u.input, {
      ...options,
      onProgress: (done, total) => {
        u.done = done;
        u.total = total;
        progress();
      },
    });
  }
  const descriptors = uploads.map((u) => u.descriptor).filter((d): d is AttachmentDescriptor => d !== undefined);
  return { content: { ...content, attachments: descriptors }, blobIds: descriptors.map((d) => d.blobId) };
}
