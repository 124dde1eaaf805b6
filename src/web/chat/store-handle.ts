import type { ContactDto, ConversationDto, ParleyClient } from '../../sdk/index.js';
import type { describeError } from '../errors.js';
import type { ChatState } from './state.js';

/**
 * What the store's action classes (message-actions.ts, social-actions.ts, sync.ts) use of the ChatStore that owns them:
 * they depend on this, not on store.ts, so that the store and its actions do not import each other.
 */
export interface ChatStoreHandle {
  readonly client: ParleyClient;
  readonly disposed: boolean;
  getState(): ChatState;
  subscribe(listener: () => void): () => void;
  /** Keeps a message written while not connected in the sealed outbox (false when connected: the engine sends it). */
  sendOffline(conversationId: string, text: string): boolean;
  update(change: (s: ChatState) => ChatState): void;
  failure(err: unknown, overrides?: Parameters<typeof describeError>[1]): string;
  upsertContact(contact: ContactDto): void;
  /** A conversation as an answer of the server has it (the engine keeps it). */
  upsertConversation(dto: ConversationDto): void;
  /** This user leaves the conversation here (no notice when it goes); `done(true)` once left, (false) if not. */
  leaving(id: string): (left: boolean) => void;
}
