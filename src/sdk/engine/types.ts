/** The conversation engine's state: what a UI renders, as plain data (it can cross a worker boundary as is). */
import type { ConversationDto } from '../../protocol/conversations.js';
import type { Message } from '../message-stream.js';
import type { UploadProgress } from './rich-send.js';

/**
 * Where a message is on its way (after matrix-js-sdk's EventStatus): `pending` is a local echo being encrypted or
 * sent (retried by itself across reconnects), `sent` is stored by the server (it has a `seq`), `failed` was refused
 * or never answered and waits for `retry` (with the same idempotency key) or `discard`.
 */
export type SendStatus = 'pending' | 'sent' | 'failed';

/** A message in a window: one object from local echo to stored. */
export interface EngineMessage extends Message {
  status: SendStatus;
  /** Set on messages sent from this client: the local id of its echo (and the send's idempotency key). */
  localId?: string;
  /** Why a send failed (with status 'failed'). */
  error?: string;
  /** An echo's files on their way up (encrypted here first): name, type, size and ciphertext bytes sent of total. */
  uploads?: UploadProgress[];
  /** The SDK error code of that failure (e.g. RATE_LIMITED), when it has one. */
  errorCode?: string;
}

/** The loaded messages of one conversation: stored ones by `seq`, oldest first, then this client's unsent ones. */
export interface MessageWindow {
  messages: readonly EngineMessage[];
  /** Older messages remain on the server. */
  hasMore: boolean;
  status: 'loading' | 'ready' | 'error';
  loadingOlder: boolean;
  error?: string;
}

/** One conversation of the list: the server's view of it, kept live, with its newest message. */
export interface ConversationEntry {
  conversation: ConversationDto;
  /** The newest message known here (for the list's preview line). */
  preview?: EngineMessage;
}

export interface EngineState {
  /** Conversations and messages have been fetched once. */
  loaded: boolean;
  conversations: Readonly<Record<string, ConversationEntry>>;
  /** The loaded window of each conversation opened with `open` (others have none). */
  windows: Readonly<Record<string, MessageWindow>>;
}

export const emptyState = (): EngineState => ({ loaded: false, conversations: {}, windows: {} });
