import type { ConversationEngine } from './engine/conversation-engine.js';
import type { Message } from './message-stream.js';

/**
 * Messages: send (acknowledged once stored), history, edits, deletes and read positions. A face of the conversation
 * engine (`client.engine`) for programs that want promises rather than a state to render.
 */
export class Messages {
  constructor(private readonly engine: ConversationEngine) {}

  /**
   * Resolves with the stored message once the server acknowledges it (retried across reconnects). With encryption on,
   * the text is encrypted for the conversation's devices first (and again if the group moved on meanwhile). Sends to
   * one conversation go one after the other, so they are stored in the order they were made. A send that fails is
   * dropped from the engine's outbox (the caller has the error).
   */
  async send(conversationId: string, text: string): Promise<Message> {
    const { localId, stored } = this.engine.send(conversationId, text);
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

  delete(messageId: string): Promise<Message> {
    return this.engine.delete(messageId);
  }

  /** Marks everything up to `seq` as read; the other members get a receipt. */
  markRead(conversationId: string, seq: number): Promise<number> {
    return this.engine.markRead(conversationId, seq);
  }
}
