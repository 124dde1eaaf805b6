import type { ContactDto, ConversationDto, Message, ParleyClient } from '../../sdk/index.js';
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
  update(change: (s: ChatState) => ChatState): void;
  failure(err: unknown, overrides?: Parameters<typeof describeError>[1]): string;
  notePreview(m: Message): void;
  upsertContact(contact: ContactDto): void;
  upsertConversation(dto: ConversationDto): void;
  removeConversation(id: string, byOthers: boolean): void;
  acceptMessage(m: Message, live?: boolean): void;
  applyUpdate(m: Message): void;
}
