/** The message as an app sees it (the conversation engine in ./engine/ keeps the log, the outbox and the view). */
import type { MessageDto } from '../protocol/messages.js';
import { MLS_CONTENT_PREFIX } from '../protocol/e2e.js';

/** A message as an app sees it. */
export interface Message {
  id: string;
  seq: number;
  conversationId: string;
  sender: string;
  text: string;
  sentAt: string;
  editedAt: string | null;
  deleted: boolean;
  contentType: string;
  /** End-to-end encrypted (MLS): only the conversation's devices could read it. */
  encrypted: boolean;
  /** Why this device could not read the message (then `text` is empty), or null. Never shown as someone's text. */
  decryptionError: string | null;
}

const decoder = new TextDecoder();

/** Why a client without its end-to-end layer shows no text for an MLS message. */
export const NOT_DECRYPTED_HERE = 'This message is end-to-end encrypted, and encryption is not set up in this client.';

export function toMessage(dto: MessageDto): Message {
  // Ciphertext is never decoded as text: a client that cannot decrypt says so.
  if (dto.contentType.startsWith(MLS_CONTENT_PREFIX)) {
    return { ...plainFields(dto), text: '', encrypted: true, decryptionError: dto.deleted ? null : NOT_DECRYPTED_HERE };
  }
  return { ...plainFields(dto), text: dto.deleted ? '' : decoder.decode(dto.body), encrypted: false, decryptionError: null };
}

function plainFields(dto: MessageDto) {
  return {
    id: dto.id,
    seq: dto.seq,
    conversationId: dto.conversationId,
    sender: dto.sender,
    sentAt: dto.sentAt,
    editedAt: dto.editedAt,
    deleted: dto.deleted,
    contentType: dto.contentType,
  };
}

/** What a send puts on the wire (its idempotency key is added by the engine's outbox). */
export interface SendPayload {
  contentType: string;
  body: Uint8Array;
  groupInfo?: Uint8Array;
  welcome?: Uint8Array;
  /** Uploads the message carries (Attachments.upload), bound to it when it is stored. */
  blobIds?: string[];
}
