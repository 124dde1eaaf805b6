/** How an encrypted log entry looks to the app: its text, or why this device has none (never someone's words). */
import { MLS_PRIVATE } from '../../protocol/e2e.js';
import type { MessageDto } from '../../protocol/messages.js';
import { noRichFields, toMessage, type Message, type MessageQuote } from '../message-stream.js';
import type { StoredText } from './content.js';
import { aggregateReactions } from './reactions.js';

export const UNDECRYPTABLE = {
  notJoined: 'This device was not yet in the conversation when the message was sent.',
  removed: 'This device had been removed from the conversation when the message was sent.',
  failed: 'The message could not be decrypted: it was altered, or it was not encrypted for this device.',
  unreadable: 'The message decrypted, but its content is not one this app understands.',
  impostor: 'The server named another sender than the one who signed the message.',
} as const;

/** The rich fields of a stored record (a reply's quote is looked up separately: `quoteOf`). */
function richFields(value: StoredText, quote: MessageQuote | null): Pick<Message, 'attachments' | 'replyTo' | 'quote' | 'mentions' | 'reactions'> {
  return {
    attachments: value.attachments ?? [],
    replyTo: value.replyTo?.id ?? null,
    quote: value.replyTo ? quote : null,
    mentions: value.mentions ?? [],
    reactions: aggregateReactions(value.reactions),
  };
}

export function shownMessage(dto: MessageDto, value: StoredText, quote: MessageQuote | null = null): Message {
  const base = toMessage(dto);
  if (dto.deleted) return { ...base, ...noRichFields, text: '', encrypted: true, decryptionError: null };
  return {
    ...base,
    text: value.text ?? '',
    editedAt: value.editedAt ?? null,
    encrypted: true,
    decryptionError: value.error ?? null,
    ...(value.error === undefined ? richFields(value, quote) : noRichFields()),
  };
}

/** A message rebuilt from what the store holds (after an edit or a reaction changed it). */
export function storedMessage(conversationId: string, seq: number, value: StoredText, quote: MessageQuote | null = null): Message {
  return {
    id: value.id ?? '',
    seq,
    conversationId,
    sender: value.sender ?? '',
    text: value.text ?? '',
    sentAt: value.sentAt ?? '',
    editedAt: value.editedAt ?? null,
    deleted: false,
    contentType: MLS_PRIVATE,
    encrypted: true,
    decryptionError: value.error ?? null,
    ...richFields(value, quote),
  };
}

const QUOTE_CHARS = 140;

/** What a reply quotes of its target, from the target's record on this device (or that it has none). */
export function quoteFrom(seq: number, target: StoredText | undefined, targetId: string): MessageQuote {
  if (!target || (target.id !== undefined && target.id !== targetId)) return { seq, sender: '', text: '', kind: 'unavailable' };
  const sender = target.sender ?? '';
  if (target.text === undefined && target.error === undefined && target.sender !== undefined && target.id !== undefined && !target.attachments) {
    return { seq, sender, text: '', kind: 'deleted' };
  }
  if (target.text === undefined) return { seq, sender, text: '', kind: 'unavailable' };
  const line = (target.text.split('\n').find((l) => l.trim() !== '') ?? '').slice(0, QUOTE_CHARS);
  const first = target.attachments?.[0];
  const kind = line !== '' || !first ? 'text' : first.type.startsWith('image/') ? 'photo' : 'file';
  return { seq, sender, text: line !== '' ? line : (first?.name ?? ''), kind };
}
