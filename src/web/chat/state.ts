import type { ContactDto, ConversationDto, EngineState, ReadEvent } from '../../sdk/index.js';

/**
 * What the chat pages render. Conversations, their messages (with each one's send status), previews and unread counts
 * are the SDK conversation engine's state (`engine`), kept as it publishes it; the rest is what the engine does not
 * own: contacts, who is typing, the other members' read receipts, and view state.
 */
export interface ChatState {
  me: string;
  connected: boolean;
  /** The server cannot be reached: the page shows what this device saved (src/web/offline/), sends wait in the outbox. */
  offline?: boolean;
  /** Contacts have been fetched once. */
  contactsLoaded: boolean;
  /** Contacts and conversations have been fetched once (`contactsLoaded` and the engine's `loaded`). */
  loaded: boolean;
  loadError?: string;
  contacts: Readonly<Record<string, ContactDto>>;
  /** The conversation engine's state: conversations with previews and unread counts, a window per open conversation. */
  engine: EngineState;
  /** The engine's conversations by id (the same objects; a new record only when the engine's list changes). */
  conversations: Readonly<Record<string, ConversationDto>>;
  /** Who is typing where: conversation → user name → until when (ms). */
  typing: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** What the other members have read, as their receipts said: conversation → user name → sequence number. */
  reads: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** The conversation on screen while the page is visible (its messages are read as they arrive). */
  activeId?: string;
  /** Set when the user lost access to a conversation, for a notice. */
  removedNotice?: string;
}

export function initialState(me: string, engine: EngineState): ChatState {
  const s: ChatState = { me, connected: false, contactsLoaded: false, loaded: false, contacts: {}, engine, conversations: {}, typing: {}, reads: {} };
  return { ...s, conversations: projected(s.conversations, engine) };
}

/** The state with the engine's newest state, and what is derived from it. */
export function withEngine(s: ChatState, engine: EngineState): ChatState {
  const conversations = s.engine.conversations === engine.conversations ? s.conversations : projected(s.conversations, engine);
  return { ...s, engine, conversations, loaded: s.contactsLoaded && engine.loaded };
}

/** The engine's conversations by id; the same record as before when none of them changed (a new preview, say). */
function projected(before: ChatState['conversations'], engine: EngineState): ChatState['conversations'] {
  const entries = Object.entries(engine.conversations);
  if (entries.length === Object.keys(before).length && entries.every(([id, e]) => before[id] === e.conversation)) return before;
  return Object.fromEntries(entries.map(([id, e]) => [id, e.conversation]));
}

/** Records another member's read position (never backwards). */
export function withRead(reads: ChatState['reads'], r: ReadEvent): ChatState['reads'] {
  const current = reads[r.conversationId] ?? {};
  if ((current[r.username] ?? 0) >= r.seq) return reads;
  return { ...reads, [r.conversationId]: { ...current, [r.username]: r.seq } };
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
