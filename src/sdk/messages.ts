import type { ConversationEngine } from './engine/conversation-engine.js';
import type { Message } from './message-stream.js';
import type { SendContent } from './engine/rich-send.js';

/**
 * Messages: send (acknowledged once stored), history, edits, deletes and read positions. A face of the conversation
 * engine (`client.engine`) for programs that want promises rather than a state to render.
 */
export class Messages {
  constructor(private readonly engine: ConversationEngine) {}

  /**
   * Resolves with the stored message once the server acknowledges it (retried across reconnects). With encryption on,
   * the content is encrypted for the conversation's devices first (and again if the group moved on meanwhile). Files
   * (`attachments`) are each encrypted under a fresh key and uploaded first, once; the message carries their keys,
   * names and types inside its encryption, and the send binds their blob ids in the transaction that stores it. Sends
   * to one conversation go one after the other, so they are stored in the order they were made. A send that fails is
   * dropped from the engine's outbox (the caller has the error).
   */
  async send(conversationId: string, content: string | SendContent): Promise<Message> {
    const { localId, stored } = this.engine.send(conversationId, content);
    try {
      return await stored;
    } catch (err) {
      this.engine.discard(localId);
      throw err;
    }
  }

  /** Older messages, oldest first: up to `limit` (≤ 100) before sequence number `before` (default: newest). */
  async history(conversationId: string, options: { before?: number; limit?: number } = {}): Promise<Message[]> {
    return (await this.engine.history(conversationId, options)).messages;
  }

  /** Like history, with whether older messages remain. */
  page(conversationId: string, options: { before?: number; limit?: number } = {}): Promise<{ messages: Message[]; hasMore: boolean }> {
    return this.engine.history(conversationId, options);
  }

  /** Edits one of your messages. An encrypted one is edited by an encrypted edit that every reader applies. */
  edit(messageId: string, text: string): Promise<Message> {
    return this.engine.edit(messageId, text);
  }

  /** Puts an emoji on any message of a conversation you are in; resolves with the message as it now reads. */
  react(messageId: string, emoji: string): Promise<Message> {
    return this.engine.react(messageId, emoji);
  }

  /** Takes your emoji off a message. */
  unreact(messageId: string, emoji: string): Promise<Message> {
    return this.engine.unreact(messageId, emoji);
  }

  delete(messageId: string): Promise<Message> {
    return this.engine.delete(messageId);
  }

  /** Marks everything up to `seq` as read; the other members get a receipt. */
  markRead(conversationId: string, seq: number): Promise<number> {
    return this.engine.markRead(conversationId, seq);
  }
}
