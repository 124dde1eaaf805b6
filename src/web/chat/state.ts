import type { AttachmentInput, ContactDto, ConversationDto, Message, ReadEvent } from '../../sdk/index.js';

/** The messages of one conversation the UI has loaded: a contiguous run up to the newest, oldest first. */
export interface Timeline {
  messages: readonly Message[];
  /** Older messages remain on the server. */
  hasMore: boolean;
  status: 'loading' | 'ready' | 'error';
  loadingOlder: boolean;
  error?: string;
}

/** A message typed here and not yet acknowledged by the server (or refused). */
export interface PendingMessage {
  key: string;
  text: string;
  /** Files (already stripped of metadata) and the message answered, when there are any. */
  attachments?: AttachmentInput[];
  replyTo?: string;
  /** With files: the engine's local id (Retry reuses the uploads) and the share of bytes uploaded (0–1). */
  localId?: string;
  progress?: number;
  status: 'sending' | 'failed';
  error?: string;
}

export interface ChatState {
  me: string;
  connected: boolean;
  /** Contacts and conversations have been fetched once. */
  loaded: boolean;
  loadError?: string;
  contacts: Readonly<Record<string, ContactDto>>;
  conversations: Readonly<Record<string, ConversationDto>>;
  /** The newest message seen per conversation (for the list's preview line). */
  previews: Readonly<Record<string, Message>>;
  timelines: Readonly<Record<string, Timeline>>;
  pending: Readonly<Record<string, readonly PendingMessage[]>>;
  /** Who is typing where: conversation → user name → until when (ms). */
  typing: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** What the other members have read: conversation → user name → sequence number. */
  reads: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** The conversation on screen while the page is visible (its messages are read as they arrive). */
  activeId?: string;
  /** Set when the user lost access to a conversation, for a notice. */
  removedNotice?: string;
}

export function initialState(me: string): ChatState {
  return {
    me,
    connected: false,
    loaded: false,
    contacts: {},
    conversations: {},
    previews: {},
    timelines: {},
    pending: {},
    typing: {},
    reads: {},
  };
}

/** Messages by sequence number, oldest first, each once (a later copy of a message replaces the earlier one). */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): readonly Message[] {
  if (incoming.length === 0) return existing;
  const last = existing[existing.length - 1];
  const first = incoming[0];
  // The common case, a live message after the newest: append without sorting.
  if (incoming.length === 1 && first && (!last || first.seq > last.seq)) return [...existing, first];
  const bySeq = new Map<number, Message>();
  for (const m of existing) bySeq.set(m.seq, m);
  for (const m of incoming) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** Replaces a message that is loaded (an edit or a delete); returns the same array when it is not. */
export function replaceMessage(messages: readonly Message[], updated: Message): readonly Message[] {
  const i = messages.findIndex((m) => m.seq === updated.seq);
  if (i < 0) return messages;
  const next = messages.slice();
  next[i] = updated;
  return next;
}

function later(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** A new message moves its conversation's newest sequence, activity time and (from others) unread count. */
export function conversationWithMessage(c: ConversationDto, m: Message, me: string, readNow: boolean): ConversationDto {
  if (m.seq <= c.lastSeq) return c;
  // The server moves the sender's read position to their own message; an open conversation is marked read soon.
  const fromOther = m.sender !== me;
  const readSeq = fromOther ? c.readSeq : Math.max(c.readSeq, m.seq);
  const unread = !fromOther ? 0 : readNow || m.deleted ? c.unread : c.unread + 1;
  return { ...c, lastSeq: m.seq, lastActivityAt: later(m.sentAt, c.lastActivityAt), readSeq, unread };
}

/** This user's read position moved (here or on another device). */
export function conversationRead(c: ConversationDto, seq: number): ConversationDto {
  if (seq <= c.readSeq) return c;
  return { ...c, readSeq: seq, unread: seq >= c.lastSeq ? 0 : c.unread };
}

/** Records another member's read position (never backwards). */
export function withRead(reads: ChatState['reads'], r: ReadEvent): ChatState['reads'] {
  const current = reads[r.conversationId] ?? {};
  if ((current[r.username] ?? 0) >= r.seq) return reads;
  return { ...reads, [r.conversationId]: { ...current, [r.username]: r.seq } };
}

/** A sender has read at least up to their own message: loaded history tells where the others have read to. */
export function withReadsFrom(reads: ChatState['reads'], conversationId: string, messages: readonly Message[], me: string): ChatState['reads'] {
  let next = reads;
  for (const m of messages) if (m.sender !== me) next = withRead(next, { conversationId, username: m.sender, seq: m.seq });
  return next;
}

/** Drops the first pending copy of an own message that has now arrived (the event can come before the acknowledgement). */
export function withoutPendingCopy(pending: ChatState['pending'], m: Message): ChatState['pending'] {
  const list = pending[m.conversationId];
  const i = list?.findIndex((p) => p.status === 'sending' && p.text === m.text) ?? -1;
  if (!list || i < 0) return pending;
  return { ...pending, [m.conversationId]: [...list.slice(0, i), ...list.slice(i + 1)] };
}

export function without<T>(record: Readonly<Record<string, T>>, key: string): Readonly<Record<string, T>> {
  if (!(key in record)) return record;
  const next = { ...record };
  delete next[key];
  return next;
}

/** Conversations, most recent activity first. */
export function sortConversations(conversations: Readonly<Record<string, ConversationDto>>): ConversationDto[] {
  return Object.values(conversations).sort((a, b) => Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt) || a.id.localeCompare(b.id));
}

/** What the list and the header call a conversation: the group's name, or the other member of a direct one. */
export function conversationTitle(c: ConversationDto, me: string): string {
  if (c.kind === 'group') return c.name ?? 'Unnamed group';
  return c.members.find((m) => m.username !== me)?.username ?? me;
}

/** The other member of a direct conversation. */
export function directPeer(c: ConversationDto, me: string): string | undefined {
  return c.kind === 'direct' ? c.members.find((m) => m.username !== me)?.username : undefined;
}
