/**
 * The offline snapshot, as plain data (pure functions, no storage): what the engine showed last while online, kept so
 * that a reload without the network shows the same list and history, and the outbox written meanwhile.
 */
import type { ContactDto, ConversationEntry, EngineMessage, EngineState, MessageAttachment, MessageWindow } from '../../sdk/index.js';

/** How many of a conversation's newest messages the snapshot keeps. */
export const SNAPSHOT_MESSAGES = 50;

/**
 * What the snapshot keeps of a file: what the page shows of it, never what opens it. Its key and the hash of its
 * ciphertext (and its thumbnail) stay out: the snapshot must never hold a file key (SECURITY.md).
 */
export type OfflineFile = Pick<MessageAttachment, 'blobId' | 'name' | 'type' | 'size'>;

/** A message as the snapshot keeps it: its files described by name, type and size only. */
export type SnapshotMessage = Omit<EngineMessage, 'attachments' | 'uploads'> & { attachments: OfflineFile[] };

export interface SnapshotEntry extends Omit<ConversationEntry, 'preview'> {
  preview?: SnapshotMessage;
}

export interface OfflineSnapshot {
  v: 1;
  savedAt: string;
  conversations: Record<string, SnapshotEntry>;
  /** The newest stored messages of each conversation opened here (at most SNAPSHOT_MESSAGES), oldest first. */
  windows: Record<string, SnapshotMessage[]>;
  contacts: ContactDto[];
}

/** A message written offline: sent under `localId` (its idempotency key) once the server is back, however often. */
export interface OutboxEntry {
  localId: string;
  conversationId: string;
  text: string;
  createdAt: string;
}

/** What a message keeps in the snapshot: its files by name, type and size (they need the network to open anyway). */
function kept(m: EngineMessage): SnapshotMessage {
  const { uploads: _uploads, attachments, ...rest } = m;
  return { ...rest, attachments: attachments.map(({ blobId, name, type, size }) => ({ blobId, name, type, size })) };
}

/**
 * A file read from the snapshot, as the pages render attachments: with no key and no hash (empty), so that it cannot
 * be fetched (`fromSnapshot`), and the page says "Not available offline".
 */
const offlineAttachment = (f: OfflineFile): MessageAttachment => ({ blobId: f.blobId, name: f.name, type: f.type, size: f.size, key: '', hash: '' });

/** A file read from the snapshot (it has no key): the page cannot open it. */
export const fromSnapshot = (a: MessageAttachment): boolean => a.key === '';

/** A snapshot's message as the pages render it. */
const restored = (m: SnapshotMessage): EngineMessage => ({ ...m, attachments: m.attachments.map(offlineAttachment) });

/**
 * The snapshot of the engine's state: its conversations and their previews, the newest messages of each window it has
 * (the previous snapshot's window for a conversation not opened since), the contacts.
 */
export function takeSnapshot(previous: OfflineSnapshot | undefined, engine: EngineState, contacts: readonly ContactDto[], now = new Date()): OfflineSnapshot {
  const conversations: Record<string, SnapshotEntry> = {};
  const windows: Record<string, SnapshotMessage[]> = {};
  for (const [id, entry] of Object.entries(engine.conversations)) {
    conversations[id] = entry.preview && entry.preview.status === 'sent' ? { ...entry, preview: kept(entry.preview) } : { conversation: entry.conversation };
    const open = engine.windows[id];
    const messages = open?.status === 'ready' ? open.messages.filter((m) => m.status === 'sent' && !m.expired).slice(-SNAPSHOT_MESSAGES).map(kept) : previous?.windows[id];
    if (messages && messages.length > 0) windows[id] = messages;
  }
  return { v: 1, savedAt: now.toISOString(), conversations, windows, contacts: [...contacts] };
}

/** The outbox entry as the log shows it: one of this user's messages, waiting to be sent. */
export function outboxMessage(entry: OutboxEntry, me: string): EngineMessage {
  return {
    id: '',
    seq: 0,
    conversationId: entry.conversationId,
    sender: me,
    text: entry.text,
    sentAt: entry.createdAt,
    editedAt: null,
    deleted: false,
    contentType: '',
    encrypted: true,
    decryptionError: null,
    attachments: [],
    replyTo: null,
    quote: null,
    mentions: [],
    reactions: [],
    status: 'pending',
    localId: entry.localId,
  };
}

/**
 * The engine state a page renders from the snapshot: every conversation, each with its saved window (ready, older
 * messages on the server) and the outbox's messages after it; a conversation's preview is its newest one.
 */
export function snapshotState(snapshot: OfflineSnapshot, outbox: readonly OutboxEntry[], me: string): EngineState {
  const conversations: Record<string, ConversationEntry> = {};
  for (const [id, entry] of Object.entries(snapshot.conversations)) {
    conversations[id] = entry.preview ? { ...entry, preview: restored(entry.preview) } : { conversation: entry.conversation };
  }
  const windows: Record<string, MessageWindow> = {};
  for (const id of Object.keys(conversations)) {
    const waiting = outbox.filter((e) => e.conversationId === id).map((e) => outboxMessage(e, me));
    const saved = (snapshot.windows[id] ?? []).map(restored);
    // A full window may have older messages before it (on the server); a shorter one is the whole conversation.
    windows[id] = { messages: [...saved, ...waiting], hasMore: saved.length >= SNAPSHOT_MESSAGES, status: 'ready', loadingOlder: false };
    const newest = waiting.at(-1);
    const entry = conversations[id];
    if (newest && entry) conversations[id] = { ...entry, preview: newest };
  }
  return { loaded: true, conversations, windows };
}
