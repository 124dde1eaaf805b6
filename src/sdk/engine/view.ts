/**
 * The decrypted view as pure functions of the engine's state: every change to what a UI shows (a message stored, an
 * echo confirmed, an edit or delete, a read position, the conversation list) is applied here and nowhere else.
 */
import type { ConversationDto } from '../../protocol/conversations.js';
import { countsAsUnread, type MessageDto } from '../../protocol/messages.js';
import type { Message } from '../message-stream.js';
import type { ConversationEntry, EngineMessage, EngineState, MessageWindow } from './types.js';

export function without<T>(record: Readonly<Record<string, T>>, key: string): Readonly<Record<string, T>> {
  if (!(key in record)) return record;
  const next = { ...record };
  delete next[key];
  return next;
}

const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

function withEntry(state: EngineState, id: string, change: (e: ConversationEntry) => ConversationEntry): EngineState {
  const entry = state.conversations[id];
  if (!entry) return state;
  const next = change(entry);
  return next === entry ? state : { ...state, conversations: { ...state.conversations, [id]: next } };
}

function withWindow(state: EngineState, id: string, change: (w: MessageWindow) => MessageWindow): EngineState {
  const window = state.windows[id];
  if (!window) return state;
  const next = change(window);
  return next === window ? state : { ...state, windows: { ...state.windows, [id]: next } };
}

/** A conversation as the server now sends it; an event older than what was seen here keeps the newer position. */
export function mergedConversation(local: ConversationDto | undefined, dto: ConversationDto): ConversationDto {
  const merged = local && local.lastSeq > dto.lastSeq ? { ...dto, lastSeq: local.lastSeq, lastActivityAt: local.lastActivityAt, unread: local.unread } : dto;
  const readSeq = Math.max(merged.readSeq, local?.readSeq ?? 0);
  return readSeq === merged.readSeq ? merged : { ...merged, readSeq, unread: readSeq >= merged.lastSeq ? 0 : merged.unread };
}

/** The list fetched at a (re)sync: conversations gone from it go, with their windows. */
export function withConversations(state: EngineState, list: readonly ConversationDto[]): EngineState {
  const conversations: Record<string, ConversationEntry> = {};
  for (const c of list) {
    const local = state.conversations[c.id];
    conversations[c.id] = { ...local, conversation: mergedConversation(local?.conversation, c) };
  }
  const windows = Object.fromEntries(Object.entries(state.windows).filter(([id]) => id in conversations));
  return { ...state, loaded: true, conversations, windows };
}

export function withConversation(state: EngineState, dto: ConversationDto): EngineState {
  const local = state.conversations[dto.id];
  return { ...state, conversations: { ...state.conversations, [dto.id]: { ...local, conversation: mergedConversation(local?.conversation, dto) } } };
}

export function withoutConversation(state: EngineState, id: string): EngineState {
  if (!state.conversations[id] && !state.windows[id]) return state;
  return { ...state, conversations: without(state.conversations, id), windows: without(state.windows, id) };
}

/**
 * A log entry's turn came (in order, once): the conversation's newest position, its activity time and, for others'
 * messages after the read position, the unread count move as the server counts them (commits, silent messages, notices
 * and tombstones aside: countsAsUnread).
 */
export function withEntryCounted(state: EngineState, dto: MessageDto, me: string, focused: boolean): EngineState {
  return withEntry(state, dto.conversationId, (e) => {
    const c = e.conversation;
    if (dto.seq <= c.lastSeq) return e;
    const fromOther = dto.sender !== me;
    const counts = fromOther && !focused && !dto.deleted && countsAsUnread(dto.contentType) && dto.seq > Math.max(c.readSeq, c.joinedSeq);
    const readSeq = fromOther ? c.readSeq : Math.max(c.readSeq, dto.seq);
    const unread = fromOther ? c.unread + (counts ? 1 : 0) : 0;
    return { ...e, conversation: { ...c, lastSeq: dto.seq, lastActivityAt: later(dto.sentAt, c.lastActivityAt), readSeq, unread } };
  });
}

/** Stored messages by seq, oldest first, each once, then the echoes not yet stored (in the order they were sent). */
function insertStored(messages: readonly EngineMessage[], m: EngineMessage): readonly EngineMessage[] {
  const echoes = messages.filter((x) => x.status !== 'sent' && x.localId !== m.localId);
  const stored = messages.filter((x) => x.status === 'sent');
  const at = stored.findIndex((x) => x.seq >= m.seq);
  const same = at >= 0 ? stored[at] : undefined;
  const merged: EngineMessage = same?.seq === m.seq && same.localId && !m.localId ? { ...m, localId: same.localId } : m;
  let next: EngineMessage[];
  if (at < 0) next = [...stored, merged];
  else if (same?.seq === m.seq) next = [...stored.slice(0, at), merged, ...stored.slice(at + 1)];
  else next = [...stored.slice(0, at), merged, ...stored.slice(at)];
  return [...next, ...echoes];
}

export const storedMessage = (m: Message, localId?: string): EngineMessage => ({ ...m, status: 'sent', ...(localId ? { localId } : {}) });

/**
 * A stored message (delivered by the log, or acknowledged to this client): it takes its place by seq, replacing the
 * echo with the same local id (one message object from echo to stored) and any earlier copy of the same seq.
 */
export function withStored(state: EngineState, m: Message, localId?: string): EngineState {
  const stored = storedMessage(m, localId);
  let next = withWindow(state, m.conversationId, (w) => ({ ...w, messages: insertStored(w.messages, stored) }));
  next = withEntry(next, m.conversationId, (e) => {
    if (e.preview && e.preview.status === 'sent' && e.preview.seq > m.seq) return e;
    return { ...e, preview: stored };
  });
  return next;
}

/** A page of history (the first when `opened`, else an older one), merged with what is loaded. */
export function withPage(state: EngineState, id: string, page: readonly Message[], hasMore: boolean): EngineState {
  const next = withWindow(state, id, (w) => {
    let messages = w.messages;
    for (const m of page) messages = insertStored(messages, storedMessage(m, messages.find((x) => x.seq === m.seq && x.status === 'sent')?.localId));
    return { ...w, messages, hasMore, status: 'ready', loadingOlder: false, error: undefined };
  });
  const newest = page.at(-1);
  return newest ? withPreview(next, newest) : next;
}

/** The newest message of a conversation fetched for its preview line (kept only if nothing newer is known). */
export function withPreview(state: EngineState, m: Message): EngineState {
  return withEntry(state, m.conversationId, (e) => (e.preview && (e.preview.status !== 'sent' || e.preview.seq >= m.seq) ? e : { ...e, preview: storedMessage(m) }));
}

export function withWindowStatus(state: EngineState, id: string, change: Partial<MessageWindow>): EngineState {
  return withWindow(state, id, (w) => ({ ...w, ...change }));
}

export function withOpened(state: EngineState, id: string, echoes: readonly EngineMessage[]): EngineState {
  const existing = state.windows[id];
  const window: MessageWindow = { messages: existing?.messages ?? echoes, hasMore: false, status: 'loading', loadingOlder: false };
  return { ...state, windows: { ...state.windows, [id]: window } };
}

/** A message that expired leaves the window and the preview line: nothing of it is shown any more. */
export function withExpired(state: EngineState, m: Pick<Message, 'conversationId' | 'seq'>): EngineState {
  let next = withWindow(state, m.conversationId, (w) => {
    const messages = w.messages.filter((x) => x.status !== 'sent' || x.seq !== m.seq);
    return messages.length === w.messages.length ? w : { ...w, messages };
  });
  next = withEntry(next, m.conversationId, (e) => {
    if (e.preview?.status !== 'sent' || e.preview.seq !== m.seq) return e;
    const rest = { ...e };
    delete rest.preview;
    return rest;
  });
  return next;
}

/** An edit or delete: the loaded copy and the preview change; its place and local id stay. */
export function withUpdate(state: EngineState, m: Message): EngineState {
  if (m.expired) return withExpired(state, m);
  const replace = (x: EngineMessage): EngineMessage => ({ ...m, status: 'sent', ...(x.localId ? { localId: x.localId } : {}) });
  let next = withWindow(state, m.conversationId, (w) => {
    const i = w.messages.findIndex((x) => x.status === 'sent' && x.seq === m.seq);
    const old = w.messages[i];
    if (!old) return w;
    const messages = w.messages.slice();
    messages[i] = replace(old);
    return { ...w, messages };
  });
  next = withEntry(next, m.conversationId, (e) => (e.preview?.status === 'sent' && e.preview.seq === m.seq ? { ...e, preview: replace(e.preview) } : e));
  return next;
}

/** A message of someone else deleted: if it counted as unread, it no longer does. */
export function withUnreadDeleted(state: EngineState, dto: MessageDto, me: string): EngineState {
  return withEntry(state, dto.conversationId, (e) => {
    const c = e.conversation;
    if (!dto.deleted || !countsAsUnread(dto.contentType) || dto.sender === me || dto.seq <= Math.max(c.readSeq, c.joinedSeq) || c.unread === 0) return e;
    return { ...e, conversation: { ...c, unread: c.unread - 1 } };
  });
}

/** An echo: shown at once at the end of its conversation's window, and as its preview. */
export function withEcho(state: EngineState, echo: EngineMessage): EngineState {
  let next = withWindow(state, echo.conversationId, (w) => ({ ...w, messages: [...w.messages.filter((x) => x.localId !== echo.localId || x.status === 'sent'), echo] }));
  next = withEntry(next, echo.conversationId, (e) => ({ ...e, preview: echo }));
  return next;
}

/** An echo's status changed (failed, or pending again on retry); a discarded one goes. */
export function withEchoChanged(state: EngineState, conversationId: string, localId: string, change: Partial<EngineMessage> | 'discard'): EngineState {
  const apply = (x: EngineMessage): EngineMessage | undefined => {
    if (x.localId !== localId || x.status === 'sent') return x;
    if (change === 'discard') return undefined;
    const next = { ...x, ...change };
    if (change.status !== 'failed') {
      delete next.error;
      delete next.errorCode;
    }
    return next;
  };
  let next = withWindow(state, conversationId, (w) => ({ ...w, messages: w.messages.map(apply).filter((x): x is EngineMessage => x !== undefined) }));
  next = withEntry(next, conversationId, (e) => {
    if (!e.preview || e.preview.localId !== localId || e.preview.status === 'sent') return e;
    const preview = apply(e.preview);
    if (preview) return { ...e, preview };
    const rest = { ...e };
    delete rest.preview;
    return rest;
  });
  return next;
}

/** This user's read position moved (here or on another device). */
export function withReadSeq(state: EngineState, id: string, seq: number): EngineState {
  return withEntry(state, id, (e) => {
    const c = e.conversation;
    if (seq <= c.readSeq) return e;
    return { ...e, conversation: { ...c, readSeq: seq, unread: seq >= c.lastSeq ? 0 : c.unread } };
  });
}
