/**
 * The outbox: what this client sends, one conversation's sends after the other (stored in the order they were made).
 * Each item keeps its local id, which is also the idempotency key of every attempt: a retry after a dropped
 * connection, or the user's Retry after a failure, can never store it twice.
 */
import { v7 as uuidv7 } from 'uuid';
import { KeyedQueue } from '../e2ee/lock.js';
import type { Message } from '../message-stream.js';
import type { Content } from './codec.js';
import type { PendingUpload } from './rich-send.js';

export interface OutboxItem {
  /** The local id of the echo, and the send's idempotency key (time-ordered, UUIDv7). */
  readonly localId: string;
  readonly conversationId: string;
  /** What is sent; a message's files join it once uploaded (their descriptors, kept for every later attempt). */
  content: Content;
  /** The files of a message, uploaded before its first attempt (once: a retry reuses them). */
  readonly uploads: PendingUpload[];
  /** The id of the message a new message answers (resolved to its place when it is sent). */
  readonly replyTo?: string;
  status: 'pending' | 'failed';
  /**
   * The body of the last attempt put on the wire: the server's live echo of it is recognised as this item, before its
   * acknowledgement, or after a failure whose attempt was stored all the same (the answer was lost or garbled).
   */
  body?: Uint8Array;
  waiters: { resolve: (m: Message) => void; reject: (err: unknown) => void }[];
}

export interface OutboxHooks {
  /** Sends one item (encrypting it, retrying across reconnects with the item's key); resolves once stored. */
  run(item: OutboxItem): Promise<Message>;
  stored(item: OutboxItem, message: Message): void;
  failed(item: OutboxItem, err: unknown): void;
}

export class Outbox {
  private readonly items = new Map<string, OutboxItem>();
  private readonly queue = new KeyedQueue();

  constructor(private readonly hooks: OutboxHooks) {}

  /** Queues a send; the promise settles once it is stored, or with the failure (the item then waits for retry). */
  add(conversationId: string, content: Content, uploads: PendingUpload[] = [], replyTo?: string, localId?: string): { item: OutboxItem; stored: Promise<Message> } {
    const item: OutboxItem = { localId: localId ?? uuidv7(), conversationId, content, uploads, ...(replyTo !== undefined ? { replyTo } : {}), status: 'pending', waiters: [] };
    this.items.set(item.localId, item);
    return { item, stored: this.start(item) };
  }

  /** Sends a failed item again, with the same key; settles like `add`. */
  retry(localId: string): Promise<Message> | undefined {
    const item = this.items.get(localId);
    if (item?.status !== 'failed') return undefined;
    item.status = 'pending';
    return this.start(item);
  }

  /** Forgets a failed item (it will not be sent). */
  discard(localId: string): OutboxItem | undefined {
    const item = this.items.get(localId);
    if (item?.status !== 'failed') return undefined;
    this.items.delete(localId);
    return item;
  }

  get(localId: string): OutboxItem | undefined {
    return this.items.get(localId);
  }

  /** The items of a conversation not yet stored, in the order they were made. */
  of(conversationId: string): OutboxItem[] {
    return [...this.items.values()].filter((i) => i.conversationId === conversationId);
  }

  /** The item whose last attempt had exactly these bytes in that conversation (the server's echo of it). */
  inFlight(conversationId: string, body: Uint8Array): OutboxItem | undefined {
    for (const item of this.items.values()) {
      if (item.conversationId === conversationId && item.body && sameBytes(item.body, body)) return item;
    }
    return undefined;
  }

  /** A failed item whose attempt the server stored after all (its echo came): it is done, and Retry has nothing to do. */
  confirmed(localId: string): OutboxItem | undefined {
    const item = this.items.get(localId);
    if (item?.status !== 'failed') return undefined;
    this.items.delete(localId);
    return item;
  }

  private start(item: OutboxItem): Promise<Message> {
    const settled = new Promise<Message>((resolve, reject) => item.waiters.push({ resolve, reject }));
    void this.queue.run(item.conversationId, async () => {
      try {
        const message = await this.hooks.run(item);
        this.items.delete(item.localId);
        this.hooks.stored(item, message);
        for (const w of item.waiters.splice(0)) w.resolve(message);
      } catch (err) {
        item.status = 'failed';
        this.hooks.failed(item, err);
        for (const w of item.waiters.splice(0)) w.reject(err);
      }
    });
    return settled;
  }

  /** Fails everything still queued (the client closed). */
  clear(): void {
    this.items.clear();
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
