/**
 * Backfill: indexing the history this device can read, in the background, page by page through the SDK's public
 * history paging (which reads the vault for what the device never decrypted). Per conversation it first covers what
 * came since the last visit (newest page down to the cursor's `high`), then goes on back to the start from `low`.
 * Cursors are persisted with the documents, so a reload resumes where it stopped.
 */
import type { ConversationDto } from '../../protocol/conversations.js';
import type { Message } from '../message-stream.js';
import type { Cursor } from './persistence.js';

/** What backfill reads: the SDK's conversation list and history pages (oldest first, before a sequence number). */
export interface HistorySource {
  conversations(): Promise<ConversationDto[]>;
  page(conversationId: string, before: number | undefined): Promise<{ messages: Message[]; hasMore: boolean }>;
}

export interface BackfillProgress {
  /** Log positions covered so far (messages, plus the key changes between them). */
  indexed: number;
  /** Log positions to cover in all conversations (at the start of this run). */
  total: number;
  done: boolean;
}

export interface BackfillHost {
  cursor(conversationId: string): Cursor | undefined;
  /** Indexes a page and moves the cursor (persisted together, debounced). */
  indexed(conversationId: string, messages: Message[], cursor: Cursor): void;
  progress(progress: BackfillProgress): void;
  /** False once the index was closed or erased: stop. */
  alive(): boolean;
  /** Pause between pages, so the chat's own requests go first. */
  pause(): Promise<void>;
}

function covered(c: ConversationDto, cursor: Cursor | undefined): number {
  if (!cursor || cursor.low === null) return 0;
  if (cursor.complete) return Math.min(cursor.high, c.lastSeq);
  return Math.max(0, Math.min(cursor.high, c.lastSeq) - cursor.low + 1);
}

/** Runs backfill over every conversation once; resolves when done or stopped. */
export async function backfill(source: HistorySource, host: BackfillHost): Promise<void> {
  const conversations = await source.conversations();
  const total = conversations.reduce((n, c) => n + c.lastSeq, 0);
  const progress = () => conversations.reduce((n, c) => n + covered(c, host.cursor(c.id)), 0);
  host.progress({ indexed: progress(), total, done: false });
  for (const c of conversations) {
    if (!host.alive()) return;
    const start = host.cursor(c.id);
    // 1. What came since the last visit: newest pages until the indexed part is reached.
    if (start && start.low !== null && c.lastSeq > start.high) {
      let before: number | undefined;
      for (;;) {
        const page = await source.page(c.id, before);
        if (!host.alive()) return;
        const current = host.cursor(c.id) ?? start;
        const oldest = page.messages[0]?.seq;
        const reached = !page.hasMore || oldest === undefined || oldest <= current.high + 1;
        host.indexed(c.id, page.messages, reached ? { ...current, high: c.lastSeq } : current);
        if (reached) break;
        before = oldest;
        await host.pause();
      }
    }
    // 2. Back to the start of the history.
    for (let cursor = host.cursor(c.id); !cursor?.complete; cursor = host.cursor(c.id)) {
      if (!cursor && c.lastSeq === 0) {
        host.indexed(c.id, [], { high: 0, low: 0, complete: true });
        break;
      }
      const page = await source.page(c.id, cursor?.low ?? undefined);
      if (!host.alive()) return;
      const oldest = page.messages[0]?.seq;
      const high = cursor?.high ?? Math.max(c.lastSeq, page.messages.at(-1)?.seq ?? 0);
      const complete = !page.hasMore || oldest === undefined;
      host.indexed(c.id, page.messages, { high, low: complete ? 0 : oldest, complete });
      host.progress({ indexed: progress(), total, done: false });
      if (complete) break;
      await host.pause();
    }
    host.progress({ indexed: progress(), total, done: false });
  }
  host.progress({ indexed: total, total, done: true });
}
