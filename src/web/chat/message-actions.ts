import type { SendContent } from '../../sdk/index.js';
import type { ChatStoreHandle } from './store-handle.js';

/** Typing notices go out at most this often while the user types. */
const TYPING_EVERY_MS = 2_000;

/**
 * What the user does to messages, as commands to the SDK's conversation engine (`client.engine`), which owns the
 * messages: their order, the outbox with its local echoes and send status, edits and deletes, read positions. Nothing
 * here keeps a copy: the pages render the engine's state. Failures that end the session sign the page out.
 */
export class MessageActions {
  private readonly lastTyping = new Map<string, number>();

  constructor(private readonly store: ChatStoreHandle) {}

  private get engine() {
    return this.store.client.engine;
  }

  /** The conversation on screen (undefined when none is, or the page is hidden): its new messages are not unread. */
  setActive(id: string | undefined): void {
    this.engine.focus(id);
    this.store.update((s) => (s.activeId === id ? s : { ...s, activeId: id }));
  }

  /** Loads the newest page of a conversation the first time it opens (or after a failed load). */
  async open(id: string): Promise<void> {
    await this.engine.open(id).catch((err: unknown) => this.store.failure(err));
  }

  /** Older messages, when scrolled to the top. */
  async loadOlder(id: string): Promise<void> {
    await this.engine.loadOlder(id).catch((err: unknown) => this.store.failure(err));
  }

  /** Shows the message at once (pending), then as sent, or as failed with Retry and Discard. */
  send(id: string, text: string, extra: Pick<SendContent, 'attachments' | 'replyTo'> = {}): void {
    this.lastTyping.delete(id);
    const rich = (extra.attachments?.length ?? 0) > 0 || extra.replyTo !== undefined;
    if (!rich && this.store.sendOffline(id, text)) return;
    this.engine.send(id, rich ? { text, ...extra } : text).stored.catch((err: unknown) => this.store.failure(err));
  }

  /** Sends a failed message again, with the same idempotency key (never stored twice). */
  retry(localId: string): void {
    this.engine.retry(localId)?.catch((err: unknown) => this.store.failure(err));
  }

  discard(localId: string): void {
    this.engine.discard(localId);
  }

  async edit(messageId: string, text: string): Promise<void> {
    await this.engine.edit(messageId, text);
  }

  async remove(messageId: string): Promise<void> {
    await this.engine.delete(messageId);
  }

  /** Marks the conversation read up to `seq`. */
  async markRead(id: string, seq: number): Promise<void> {
    await this.engine.markRead(id, seq).catch((err: unknown) => this.store.failure(err));
  }

  /** Tells the others the user is typing, at most every 2 s per conversation. */
  typing(id: string): void {
    const now = Date.now();
    if (now - (this.lastTyping.get(id) ?? 0) < TYPING_EVERY_MS || !this.store.getState().connected) return;
    this.lastTyping.set(id, now);
    this.store.client.conversations.typing(id).catch(() => undefined);
  }
}
