import type { Content } from './e2ee/content.js';
import type { E2eeApi } from './e2ee/api.js';
import { KeyedQueue } from './e2ee/lock.js';
import type { OpenedE2ee } from './opened-e2ee.js';
import { ParleyError } from './errors.js';
import { toMessage, type Message, type MessageStream } from './message-stream.js';
import type { Realtime } from './realtime.js';

const encoder = new TextEncoder();

/** Messages: send (acknowledged once stored), history, edits, deletes and read positions. */
export class Messages {
  constructor(
    private readonly rt: Realtime,
    private readonly stream: MessageStream,
    /** The end-to-end layer once it is open (it opens as part of connect()); undefined with encryption off. */
    private readonly e2ee: () => Promise<OpenedE2ee | undefined>,
    /** Encryption on: never fall back to plain text when the end-to-end layer is not open. */
    private readonly encrypted: boolean,
  ) {}

  /** Sends per conversation one after the other: a client's messages are stored in the order it sent them. */
  private readonly sending = new KeyedQueue();

  private inOrder<T>(conversationId: string, task: () => Promise<T>): Promise<T> {
    return this.sending.run(conversationId, task);
  }

  private refusePlain(): never {
    throw new ParleyError('NOT_CONNECTED', 'End-to-end encryption is not set up in this client yet: connect (or log in again) first.');
  }

  /**
   * Resolves with the stored message once the server acknowledges it (retried across reconnects). With encryption on,
   * the text is encrypted for the conversation's devices first (and again if the group moved on meanwhile). Sends to
   * one conversation go one after the other, so they are stored in the order they were made.
   */
  async send(conversationId: string, text: string): Promise<Message> {
    const e2ee = await this.e2ee();
    if (!e2ee) return this.encrypted ? this.refusePlain() : this.inOrder(conversationId, () => this.stream.send(conversationId, text));
    return this.inOrder(conversationId, () => this.sendEncrypted(e2ee.api, conversationId, { v: 1, type: 'text', text }));
  }

  private async sendEncrypted(e2ee: E2eeApi, conversationId: string, content: Content): Promise<Message> {
    // Encrypting may first catch up or commit (network steps): after a dropped connection it runs again.
    const encrypt = () => this.stream.retrying(() => e2ee.encrypt(conversationId, content));
    const dto = await this.stream.sendPayload(conversationId, await encrypt(), { rebuildWhenStale: encrypt });
    return e2ee.sent(dto, content);
  }

  /** Older messages, oldest first: up to `limit` (≤ 100) before sequence number `before` (default: newest). */
  async history(conversationId: string, options: { before?: number; limit?: number } = {}): Promise<Message[]> {
    return (await this.page(conversationId, options)).messages;
  }

  /** Like history, with whether older messages remain. */
  async page(conversationId: string, options: { before?: number; limit?: number } = {}): Promise<{ messages: Message[]; hasMore: boolean }> {
    const limit = options.limit ?? 50;
    const e2ee = (await this.e2ee())?.api;
    let before = options.before;
    const messages: Message[] = [];
    for (;;) {
      const res = await this.rt.request('messages:history', { conversationId, ...(before !== undefined ? { before } : {}), limit });
      if (!e2ee) return { messages: res.messages.map(toMessage), hasMore: res.hasMore };
      // What this device has not processed yet is decoded first (in log order); commits are not shown, so a page
      // of them is followed by an older one until `limit` messages are found.
      messages.unshift(...(await e2ee.historyPage(conversationId, res.messages)));
      before = res.messages[0]?.seq;
      if (messages.length >= limit || !res.hasMore || before === undefined) {
        const extra = Math.max(0, messages.length - limit);
        return { messages: messages.slice(extra), hasMore: res.hasMore || extra > 0 };
      }
    }
  }

  /** Edits one of your messages. An encrypted one is edited by an encrypted edit that every reader applies. */
  async edit(messageId: string, text: string): Promise<Message> {
    const e2ee = await this.e2ee();
    const at = await e2ee?.api.located(messageId);
    if (e2ee && at) {
      const target = await e2ee.api.storedText(at.conversationId, at.seq);
      if (target?.sender !== e2ee.username) throw new ParleyError('FORBIDDEN', 'You can only edit your own messages.');
      const content = { v: 1, type: 'edit', target: { id: messageId, seq: at.seq }, text } as const;
      return this.inOrder(at.conversationId, () => this.sendEncrypted(e2ee.api, at.conversationId, content));
    }
    if (!e2ee && this.encrypted) this.refusePlain();
    const { message } = await this.rt.request('messages:edit', { messageId, contentType: 'text/plain', body: encoder.encode(text) });
    return toMessage(message);
  }

  async delete(messageId: string): Promise<Message> {
    const { message } = await this.rt.request('messages:delete', { messageId });
    return (await (await this.e2ee())?.api.updated(message)) ?? toMessage(message);
  }

  /** Marks everything up to `seq` as read; the other members get a receipt. */
  async markRead(conversationId: string, seq: number): Promise<number> {
    return (await this.rt.request('messages:read', { conversationId, seq })).readSeq;
  }
}
