import type { ContactDto, ConversationDto, Message, ParleyClient } from '../../sdk/index.js';
import { describeError, isUnauthenticated } from '../errors.js';
import { MessageActions } from './message-actions.js';
import { SocialActions } from './social-actions.js';
import { Sync } from './sync.js';
import {
  conversationRead,
  conversationTitle,
  conversationWithMessage,
  initialState,
  mergeMessages,
  replaceMessage,
  withRead,
  without,
  withoutPendingCopy,
  type ChatState,
} from './state.js';

/** How long "alice is typing…" stays without a new typing event (the sender repeats it every 2 s while typing). */
const TYPING_SHOWN_MS = 4_000;

/**
 * The chat state of the signed-in user: contacts, conversations and the loaded messages, kept live from the SDK's
 * events. Components read it through useChat(); actions live in `social` and `messages`.
 */
export class ChatStore {
  private state: ChatState;
  private readonly listeners = new Set<() => void>();
  private readonly offs: (() => void)[] = [];
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private disconnectedOnce = false;
  /** Set once the store stops: late answers are dropped. */
  disposed = false;
  /** Unsent text per conversation, kept while switching between conversations (forgotten at sign-out). */
  readonly drafts = new Map<string, string>();
  readonly social: SocialActions;
  readonly sync: Sync;
  readonly messages: MessageActions;

  constructor(
    readonly client: ParleyClient,
    me: string,
    /** Called when the server says the session is gone. */
    readonly onSessionGone: (notice: string) => void,
  ) {
    this.state = { ...initialState(me), connected: client.connected };
    this.social = new SocialActions(this);
    this.sync = new Sync(this);
    this.messages = new MessageActions(this);
  }

  readonly getState = (): ChatState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  update(change: (s: ChatState) => ChatState): void {
    if (this.disposed) return;
    const next = change(this.state);
    if (next === this.state) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }

  /** Turns an SDK failure into a message, signing the page out when the session is gone. */
  failure(err: unknown, overrides?: Parameters<typeof describeError>[1]): string {
    const message = describeError(err, overrides);
    if (isUnauthenticated(err)) this.onSessionGone(message);
    return message;
  }

  start(): void {
    const c = this.client;
    this.offs.push(
      c.on('connectionChange', (connected) => {
        this.update((s) => (s.connected === connected ? s : { ...s, connected }));
        if (!connected) this.disconnectedOnce = true;
        // Back after a drop: messages catch up in the SDK; contacts and conversations are fetched again.
        else if (this.disconnectedOnce) void this.sync.reload();
      }),
      c.on('contact', (contact) => this.upsertContact(contact)),
      c.on('presence', ({ username, online }) =>
        this.update((s) => {
          const contact = s.contacts[username];
          if (!contact || contact.online === online) return s;
          return { ...s, contacts: { ...s.contacts, [username]: { ...contact, online } } };
        }),
      ),
      c.on('conversation', (conversation) => this.upsertConversation(conversation)),
      c.on('conversationRemoved', (id) => this.removeConversation(id, true)),
      c.on('message', (message) => this.acceptMessage(message, true)),
      c.on('messageUpdated', (message) => this.applyUpdate(message)),
      c.on('typing', ({ conversationId, username }) => this.typingSeen(conversationId, username)),
      c.on('read', (r) =>
        this.update((s) => {
          if (r.username !== s.me) return { ...s, reads: withRead(s.reads, r) };
          const conversation = s.conversations[r.conversationId];
          if (!conversation) return s;
          return { ...s, conversations: { ...s.conversations, [r.conversationId]: conversationRead(conversation, r.seq) } };
        }),
      ),
    );
    void this.sync.reload();
  }

  dispose(): void {
    this.disposed = true;
    for (const off of this.offs.splice(0)) off();
    clearTimeout(this.typingTimer);
    this.listeners.clear();
  }

  /** Remembers a message as its conversation's preview if it is the newest known. */
  notePreview(m: Message): void {
    this.update((s) => {
      const current = s.previews[m.conversationId];
      if (!s.conversations[m.conversationId] || (current && current.seq >= m.seq)) return s;
      return { ...s, previews: { ...s.previews, [m.conversationId]: m } };
    });
  }

  upsertContact(contact: ContactDto): void {
    this.update((s) => {
      if (contact.state === 'none') return { ...s, contacts: without(s.contacts, contact.username) };
      return { ...s, contacts: { ...s.contacts, [contact.username]: contact } };
    });
  }

  upsertConversation(dto: ConversationDto): void {
    this.update((s) => {
      const local = s.conversations[dto.id];
      // An event can be older than messages already seen here: keep the newest position.
      const merged =
        local && local.lastSeq > dto.lastSeq
          ? { ...dto, lastSeq: local.lastSeq, lastActivityAt: local.lastActivityAt, unread: local.unread }
          : dto;
      const readSeq = Math.max(merged.readSeq, local?.readSeq ?? 0);
      return { ...s, conversations: { ...s.conversations, [dto.id]: { ...merged, readSeq } } };
    });
  }

  /** This user left or was removed: the conversation and everything loaded for it go. */
  removeConversation(id: string, byOthers: boolean): void {
    this.update((s) => {
      const conversation = s.conversations[id];
      if (!conversation) return s;
      const wasOpen = s.activeId === id;
      return {
        ...s,
        conversations: without(s.conversations, id),
        timelines: without(s.timelines, id),
        previews: without(s.previews, id),
        pending: without(s.pending, id),
        typing: without(s.typing, id),
        reads: without(s.reads, id),
        removedNotice:
          byOthers && wasOpen ? `You are no longer a member of ${conversationTitle(conversation, s.me)}.` : s.removedNotice,
      };
    });
  }

  /**
   * A new message: `live` from the SDK's message event (live or caught up), else the acknowledgement of one sent
   * here. The event usually comes first: it replaces the pending copy at once.
   */
  acceptMessage(m: Message, live = false): void {
    const id = m.conversationId;
    let known = true;
    this.update((s) => {
      const conversation = s.conversations[id];
      known = conversation !== undefined || !s.loaded;
      const timeline = s.timelines[id];
      const preview = s.previews[id];
      const typing = s.typing[id];
      return {
        ...s,
        conversations: conversation
          ? { ...s.conversations, [id]: conversationWithMessage(conversation, m, s.me, s.activeId === id) }
          : s.conversations,
        timelines: timeline ? { ...s.timelines, [id]: { ...timeline, messages: mergeMessages(timeline.messages, [m]) } } : s.timelines,
        previews: !preview || preview.seq <= m.seq ? { ...s.previews, [id]: m } : s.previews,
        typing: typing?.[m.sender] ? { ...s.typing, [id]: without(typing, m.sender) } : s.typing,
        reads: m.sender === s.me ? s.reads : withRead(s.reads, { conversationId: id, username: m.sender, seq: m.seq }),
        pending: live && m.sender === s.me ? withoutPendingCopy(s.pending, m) : s.pending,
      };
    });
    // A conversation this page has not heard of yet (its event may be late): fetch it.
    if (!known) {
      this.client.conversations.get(id).then(
        (c) => this.upsertConversation(c),
        () => undefined,
      );
    }
  }

  /** An edit or a delete. */
  applyUpdate(m: Message): void {
    this.update((s) => {
      const timeline = s.timelines[m.conversationId];
      const preview = s.previews[m.conversationId];
      const messages = timeline ? replaceMessage(timeline.messages, m) : undefined;
      return {
        ...s,
        timelines:
          timeline && messages && messages !== timeline.messages
            ? { ...s.timelines, [m.conversationId]: { ...timeline, messages } }
            : s.timelines,
        previews: preview?.seq === m.seq ? { ...s.previews, [m.conversationId]: m } : s.previews,
      };
    });
  }

  private typingSeen(conversationId: string, username: string): void {
    if (username === this.state.me) return;
    const until = Date.now() + TYPING_SHOWN_MS;
    this.update((s) => ({ ...s, typing: { ...s.typing, [conversationId]: { ...s.typing[conversationId], [username]: until } } }));
    this.scheduleTypingExpiry();
  }

  private scheduleTypingExpiry(): void {
    clearTimeout(this.typingTimer);
    const ends = Object.values(this.state.typing).flatMap((who) => Object.values(who));
    if (ends.length === 0) return;
    this.typingTimer = setTimeout(() => {
      const now = Date.now();
      this.update((s) => {
        const typing: Record<string, Record<string, number>> = {};
        for (const [id, who] of Object.entries(s.typing)) {
          const live = Object.entries(who).filter(([, until]) => until > now);
          if (live.length > 0) typing[id] = Object.fromEntries(live);
        }
        return { ...s, typing };
      });
      this.scheduleTypingExpiry();
    }, Math.max(50, Math.min(...ends) - Date.now()));
  }

  dismissNotice(): void {
    this.update((s) => (s.removedNotice ? { ...s, removedNotice: undefined } : s));
  }
}
