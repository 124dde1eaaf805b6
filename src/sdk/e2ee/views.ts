/** How an encrypted log entry looks to the app: its text, or why this device has none (never someone's words). */
import { MLS_PRIVATE } from '../../protocol/e2e.js';
import type { MessageDto } from '../../protocol/messages.js';
import { toMessage, type Message } from '../message-stream.js';
import type { StoredText } from './content.js';

export const UNDECRYPTABLE = {
  notJoined: 'This device was not yet in the conversation when the message was sent.',
  removed: 'This device had been removed from the conversation when the message was sent.',
  failed: 'The message could not be decrypted: it was altered, or it was not encrypted for this device.',
  unreadable: 'The message decrypted, but its content is not one this app understands.',
  impostor: 'The server named another sender than the one who signed the message.',
} as const;

export function shownMessage(dto: MessageDto, value: StoredText): Message {
  const base = toMessage(dto);
  if (dto.deleted) return { ...base, text: '', encrypted: true, decryptionError: null };
  return { ...base, text: value.text ?? '', editedAt: value.editedAt ?? null, encrypted: true, decryptionError: value.error ?? null };
}

/** A message rebuilt from what the store holds (after an edit changed it). */
export function storedMessage(conversationId: string, seq: number, value: StoredText): Message {
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
  };
}
