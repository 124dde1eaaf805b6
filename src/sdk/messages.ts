import { toMessage, type Message, type MessageStream } from './message-stream.js';
import type { Realtime } from './realtime.js';

const encoder = new TextEncoder();

/** Messages: send (acknowledged once stored), history, edits, deletes and read positions. */
export class Messages {
  constructor(
    private readonly rt: Realtime,
    private readonly stream: MessageStream,
  ) {}

  /** Resolves with the stored message once the server acknowledges it (retried across reconnects). */
  send(conversationId: string, text: string): Promise<Message> {
    return this.stream.send(conversationId, text);
  }

  /** Older messages, oldest first: up to `limit` (≤ 100) before sequence number `before` (default: newest). */
  async history(conversationId: string, options: { before?: number; limit?: number } = {}): Promise<Message[]> {
    return (await this.page(conversationId, options)).messages;
  }

  /** Like history, with whether older messages remain. */
  async page(conversationId: string, options: { before?: number; limit?: number } = {}): Promise<{ messages: Message[]; hasMore: boolean }> {
    const res = await this.rt.request('messages:history', {
      conversationId,
      ...(options.before !== undefined ? { before: options.before } : {}),
      limit: options.limit ?? 50,
    });
    return { messages: res.messages.map(toMessage), hasMore: res.hasMore };
  }

  async edit(messageId: string, text: string): Promise<Message> {
    const { message } = await this.rt.request('messages:edit', { messageId, contentType: 'text/plain', body: encoder.encode(text) });
    return toMessage(message);
  }

  async delete(messageId: string): Promise<Message> {
    return toMessage((await this.rt.request('messages:delete', { messageId })).message);
  }

  /** Marks everything up to `seq` as read; the other members get a receipt. */
  async markRead(conversationId: string, seq: number): Promise<number> {
    return (await this.rt.request('messages:read', { conversationId, seq })).readSeq;
  }
}
