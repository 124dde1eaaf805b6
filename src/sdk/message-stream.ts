/** The message as an app sees it (the conversation engine in ./engine/ keeps the log, the outbox and the view). */
import type { MessageDto } from '../protocol/messages.js';
import { MLS_CONTENT_PREFIX } from '../protocol/e2e.js';
import { DISAPPEARING_NOTICE, DisappearingNotice } from '../protocol/privacy.js';
import type { AttachmentDescriptor } from './content/attachment.js';

/** A file of a message: what to show (name, type, size, dimensions, thumbnail) and what to fetch and check it with. */
export type MessageAttachment = AttachmentDescriptor;

/** One emoji on a message and who put it there (in the order they did). */
export interface MessageReaction {
  emoji: string;
  users: string[];
}

/** What a reply quotes of the message it answers, as this device holds it. */
export interface MessageQuote {
  seq: number;
  sender: string;
  /** The first line of its text (at most 140 characters), or '' for a file without caption. */
  text: string;
  /** `photo` / `file`: its first attachment; `deleted`; `unavailable`: not read on this device (yet). */
  kind: 'text' | 'photo' | 'file' | 'deleted' | 'unavailable';
}

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
  /** Files (end-to-end encrypted; fetch one with `client.attachments.download(message, i)`). */
  attachments: MessageAttachment[];
  /** The id of the message this one answers, and what it quotes of it. */
  replyTo: string | null;
  quote: MessageQuote | null;
  /** User names mentioned with `@name`. */
  mentions: string[];
  /** Reactions, aggregated per emoji. */
  reactions: MessageReaction[];
  /** Disappearing messages: when the server erases it (its clock), or null/absent: never. */
  expiresAt?: string | null;
  /** It expired and was erased (everywhere): a UI shows nothing of it. */
  expired?: boolean;
  /** A notice the server wrote into the log (a timer change), shown as a line of its own rather than as someone's text. */
  notice?: MessageNotice;
}

/** A change announced in a conversation's log: the disappearing-message timer set to `seconds` (null: off) by `sender`. */
export interface MessageNotice {
  kind: 'disappearing';
  seconds: number | null;
}

/** The rich fields of a message that has none. */
export const noRichFields = (): Pick<Message, 'attachments' | 'replyTo' | 'quote' | 'mentions' | 'reactions'> => ({
  attachments: [],
  replyTo: null,
  quote: null,
  mentions: [],
  reactions: [],
});

const decoder = new TextDecoder();

/** Why a client without its end-to-end layer shows no text for an MLS message. */
export const NOT_DECRYPTED_HERE = 'This message is end-to-end encrypted, and encryption is not set up in this client.';

/** The notice of a server-written entry, or undefined if the entry is none (or malformed). */
function noticeOf(dto: MessageDto): MessageNotice | undefined {
  if (dto.contentType !== DISAPPEARING_NOTICE) return undefined;
  try {
    const parsed = DisappearingNotice.safeParse(JSON.parse(decoder.decode(dto.body)));
    return parsed.success ? { kind: 'disappearing', seconds: parsed.data.seconds } : undefined;
  } catch {
    return undefined;
  }
}

export function toMessage(dto: MessageDto): Message {
  const notice = noticeOf(dto);
  if (notice) return { ...plainFields(dto), text: '', encrypted: false, decryptionError: null, notice };
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
    attachments: [],
    replyTo: null,
    quote: null,
    mentions: [],
    reactions: [],
    expiresAt: dto.expiresAt ?? null,
    ...(dto.expired ? { expired: true } : {}),
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
