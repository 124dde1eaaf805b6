import type { ConversationDto } from '../protocol/conversations.js';
import { MLS_COMMIT } from '../protocol/e2e.js';
import type { Message } from './message-stream.js';

/** One conversation of an export: what this device can read of it, oldest first. */
export interface ExportedConversation {
  id: string;
  kind: ConversationDto['kind'];
  name: string | null;
  members: string[];
  messages: {
    seq: number;
    sender: string;
    sentAt: string;
    editedAt: string | null;
    /** The text as this device reads it; empty for a deleted message or one it cannot read (then `unreadable`). */
    text: string;
    deleted: boolean;
    unreadable?: string;
  }[];
}

export interface HistoryExport {
  format: 'parley-history/v1';
  exportedAt: string;
  username: string;
  conversations: ExportedConversation[];
}

export interface ExportProgress {
  /** Conversations done, of `total`. */
  done: number;
  total: number;
  /** Messages gathered so far. */
  messages: number;
}

export interface ExportSource {
  username: string;
  conversations: () => Promise<ConversationDto[]>;
  page: (conversationId: string, before: number | undefined) => Promise<{ messages: Message[]; hasMore: boolean }>;
}

/**
 * The user's history as this device reads it (decrypted here; nothing is sent anywhere), every conversation it can
 * read, page by page from the newest back. MLS handshake entries (commits) are left out: they carry no content.
 */
export async function exportHistory(source: ExportSource, onProgress?: (p: ExportProgress) => void): Promise<HistoryExport> {
  const list = await source.conversations();
  const out: ExportedConversation[] = [];
  let count = 0;
  onProgress?.({ done: 0, total: list.length, messages: 0 });
  for (const c of list) {
    const pages: Message[][] = [];
    let before: number | undefined;
    for (;;) {
      const { messages, hasMore } = await source.page(c.id, before);
      pages.unshift(messages);
      const oldest = messages[0]?.seq;
      if (!hasMore || oldest === undefined || oldest <= 1) break;
      before = oldest;
    }
    const messages = pages.flat().filter((m) => m.contentType !== MLS_COMMIT);
    count += messages.length;
    out.push({
      id: c.id,
      kind: c.kind,
      name: c.name,
      members: c.members.map((m) => m.username),
      messages: messages.map((m) => ({
        seq: m.seq,
        sender: m.sender,
        sentAt: m.sentAt,
        editedAt: m.editedAt,
        text: m.deleted ? '' : m.text,
        deleted: m.deleted,
        ...(m.decryptionError && !m.deleted ? { unreadable: m.decryptionError } : {}),
      })),
    });
    onProgress?.({ done: out.length, total: list.length, messages: count });
  }
  return { format: 'parley-history/v1', exportedAt: new Date().toISOString(), username: source.username, conversations: out };
}
