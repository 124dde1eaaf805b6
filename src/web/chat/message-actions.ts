import type { ChatStoreHandle } from './store-handle.js';
import type { Message } from '../../sdk/index.js';
import { conversationRead, mergeMessages, withReadsFrom, type PendingMessage, type Timeline } from './state.js';

/** The first screenful when a conversation opens, then bigger pages while scrolling up. */
const FIRST_PAGE = 50;
const OLDER_PAGE = 100;
/** Typing notices go out at most this often while the user types. */
const TYPING_EVERY_MS = 2_000;

/** A local key for a pending message (crypto.randomUUID needs a secure context; this does not). */
function newKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Loading and paging messages, sending (with a pending state), editing, deleting, read positions and typing. */
export class MessageActions {
  private readonly lastTyping = new Map<string, number>();
  private readonly reading = new Map<string, number>();

  constructor(private readonly store: ChatStoreHandle) {}

  private get client() {
    return this.store.client;
  }

  private setTimeline(id: string, change: (t: Timeline) => Timeline): void {
    this.store.update((s) => {
      const timeline = s.timelines[id];
      return timeline ? { ...s, timelines: { ...s.timelines, [id]: change(timeline) } } : s;
    });
  }

  private setPending(id: string, change: (p: readonly PendingMessage[]) => readonly PendingMessage[]): void {
    this.store.update((s) => ({ ...s, pending: { ...s.pending, [id]: change(s.pending[id] ?? []) } }));
  }

  /** The conversation on screen (undefined when none is, or the page is hidden). */
  setActive(id: string | undefined): void {
    this.store.update((s) => (s.activeId === id ? s : { ...s, activeId: id }));
  }

  /** Loads the newest page of a conversation the first time it opens (or after a failed load). */
  async open(id: string): Promise<void> {
    const existing = this.store.getState().timelines[id];
    if (existing && existing.status !== 'error') return;
    this.store.update((s) => ({
      ...s,
      timelines: { ...s.timelines, [id]: { messages: existing?.messages ?? [], hasMore: false, status: 'loading', loadingOlder: false } },
    }));
    try {
      const page = await this.client.messages.page(id, { limit: FIRST_PAGE });
      // Live messages that arrived meanwhile are merged in, each once.
      this.setTimeline(id, (t) => ({ ...t, messages: mergeMessages(page.messages, t.messages), hasMore: page.hasMore, status: 'ready' }));
      this.readsFrom(id, page.messages);
      const newest = page.messages[page.messages.length - 1];
      if (newest) this.store.notePreview(newest);
    } catch (err) {
      const error = this.store.failure(err, { NOT_FOUND: 'This conversation does not exist, or you are no longer a member.' });
      this.setTimeline(id, (t) => ({ ...t, status: 'error', error }));
    }
  }

  private readsFrom(id: string, messages: readonly Message[]): void {
    this.store.update((s) => {
      const reads = withReadsFrom(s.reads, id, messages, s.me);
      return reads === s.reads ? s : { ...s, reads };
    });
  }

  /** Older messages, when scrolled to the top. */
  async loadOlder(id: string): Promise<void> {
    const timeline = this.store.getState().timelines[id];
    const oldest = timeline?.messages[0];
    if (!timeline || !oldest || !timeline.hasMore || timeline.loadingOlder || timeline.status !== 'ready') return;
    this.setTimeline(id, (t) => ({ ...t, loadingOlder: true, error: undefined }));
    try {
      const page = await this.client.messages.page(id, { before: oldest.seq, limit: OLDER_PAGE });
      this.setTimeline(id, (t) => ({ ...t, messages: mergeMessages(t.messages, page.messages), hasMore: page.hasMore, loadingOlder: false }));
      this.readsFrom(id, page.messages);
    } catch (err) {
      const error = this.store.failure(err);
      this.setTimeline(id, (t) => ({ ...t, loadingOlder: false, error }));
    }
  }

  /** Shows the message as pending at once; it becomes a real message when the server acknowledges it. */
  send(id: string, text: string, extra: Pick<PendingMessage, 'attachments' | 'replyTo'> = {}): void {
    const pending: PendingMessage = { key: newKey(), text, status: 'sending', ...extra };
    this.setPending(id, (list) => [...list, pending]);
    void this.deliver(id, pending);
  }

  private async deliver(id: string, pending: PendingMessage): Promise<void> {
    this.lastTyping.delete(id);
    const { text, attachments, replyTo } = pending;
    try {
      let message: Message;
      if (attachments?.length) {
        message = await this.deliverFiles(id, pending);
      } else {
        message = await this.client.messages.send(id, replyTo ? { text, replyTo } : text);
      }
      this.store.acceptMessage(message);
      this.setPending(id, (list) => list.filter((p) => p.key !== pending.key));
    } catch (err) {
      const error = this.store.failure(err, { RATE_LIMITED: 'You are sending too fast. Wait a moment, then retry.' });
      this.setPending(id, (list) => list.map((p) => (p.key === pending.key ? { ...p, status: 'failed', error } : p)));
    }
  }

  /**
   * A message with files goes through the engine's outbox, so that Retry sends it again without uploading its files
   * again; the upload's progress is copied onto the pending message as it goes.
   */
  private async deliverFiles(id: string, pending: PendingMessage): Promise<Message> {
    const engine = this.client.engine;
    let localId = pending.localId;
    let stored = localId ? engine.retry(localId) : undefined;
    if (!stored) {
      const { text, attachments, replyTo } = pending;
      const sent = engine.send(id, { text, ...(attachments ? { attachments } : {}), ...(replyTo ? { replyTo } : {}) });
      localId = sent.localId;
      stored = sent.stored;
      this.setPending(id, (list) => list.map((p) => (p.key === pending.key ? { ...p, localId: sent.localId } : p)));
    }
    const unsubscribe = engine.subscribe((s) => {
      const echo = s.conversations[id]?.preview;
      if (!echo || echo.localId !== localId || !echo.uploads) return;
      const done = echo.uploads.reduce((n, u) => n + u.done, 0);
      const total = echo.uploads.reduce((n, u) => n + u.total, 0);
      const progress = total > 0 ? done / total : 0;
      this.setPending(id, (list) => list.map((p) => (p.key === pending.key && p.progress !== progress ? { ...p, progress } : p)));
    });
    try {
      return await stored;
    } finally {
      unsubscribe();
    }
  }

  retry(id: string, key: string): void {
    const pending = this.store.getState().pending[id]?.find((p) => p.key === key);
    if (!pending) return;
    const again: PendingMessage = { ...pending, status: 'sending' };
    delete again.error;
    this.setPending(id, (list) => list.map((p) => (p.key === key ? again : p)));
    void this.deliver(id, again);
  }

  discard(id: string, key: string): void {
    const localId = this.store.getState().pending[id]?.find((p) => p.key === key)?.localId;
    if (localId) this.client.engine.discard(localId);
    this.setPending(id, (list) => list.filter((p) => p.key !== key));
  }

  async edit(messageId: string, text: string): Promise<void> {
    this.store.applyUpdate(await this.client.messages.edit(messageId, text));
  }

  async remove(messageId: string): Promise<void> {
    this.store.applyUpdate(await this.client.messages.delete(messageId));
  }

  /** Marks the conversation read up to `seq` (once per position). */
  async markRead(id: string, seq: number): Promise<void> {
    if ((this.reading.get(id) ?? 0) >= seq) return;
    this.reading.set(id, seq);
    try {
      const readSeq = await this.client.messages.markRead(id, seq);
      this.store.update((s) => {
        const c = s.conversations[id];
        return c ? { ...s, conversations: { ...s.conversations, [id]: conversationRead(c, readSeq) } } : s;
      });
    } catch (err) {
      this.reading.delete(id);
      this.store.failure(err);
    }
  }

  /** Tells the others the user is typing, at most every 2 s per conversation. */
  typing(id: string): void {
    const now = Date.now();
    if (now - (this.lastTyping.get(id) ?? 0) < TYPING_EVERY_MS || !this.store.getState().connected) return;
    this.lastTyping.set(id, now);
    this.client.conversations.typing(id).catch(() => undefined);
  }
}
