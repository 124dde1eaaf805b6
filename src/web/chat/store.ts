import type { ContactDto, ConversationDto, EngineState, ParleyClient } from '../../sdk/index.js';
import { describeError, isUnauthenticated } from '../errors.js';
import { OfflineMode } from '../offline/offline-mode.js';
import { MessageActions } from './message-actions.js';
import { SocialActions } from './social-actions.js';
import { Sync } from './sync.js';
import { conversationTitle, initialState, withEngine, withRead, without, type ChatState } from './state.js';

/** How long "alice is typing…" stays without a new typing event (the sender repeats it every 2 s while typing). */
const TYPING_SHOWN_MS = 4_000;

/**
 * The chat state of the signed-in user. Conversations and messages are the SDK conversation engine's state, followed
 * as it changes; contacts, typing and read receipts come from the SDK's events. Components read it through useChat();
 * actions live in `social` and `messages`.
 */
export class ChatStore {
  private state: ChatState;
  private readonly listeners = new Set<() => void>();
  private readonly offs: (() => void)[] = [];
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private disconnectedOnce = false;
  /** The list's preview lines were asked for (once the engine has the conversations). */
  private previewsLoaded = false;
  /** Conversations this user is leaving here (they go without a "no longer a member" notice). */
  private readonly leavingIds = new Set<string>();
  /** Set once the store stops: late answers are dropped. */
  disposed = false;
  /** Unsent text per conversation, kept while switching between conversations (forgotten at sign-out). */
  readonly drafts = new Map<string, string>();
  readonly social: SocialActions;
  readonly sync: Sync;
  readonly messages: MessageActions;
  /** The sealed snapshot and outbox: reading and writing without the network. */
  private readonly offline: OfflineMode;

  constructor(
    readonly client: ParleyClient,
    me: string,
    /** Called when the server says the session is gone. */
    readonly onSessionGone: (notice: string) => void,
  ) {
    this.state = { ...initialState(me, client.engine.getState()), connected: client.connected };
    this.social = new SocialActions(this);
    this.sync = new Sync(this);
    this.messages = new MessageActions(this);
    this.offline = new OfflineMode(this, me, () => this.sync.reload());
  }

  sendOffline(conversationId: string, text: string): boolean {
    return this.offline.send(conversationId, text);
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
      c.engine.subscribe((engine) => this.engineChanged(engine)),
      c.on('connectionChange', (connected) => {
        this.update((s) => (s.connected === connected ? s : { ...s, connected }));
        if (!connected) this.disconnectedOnce = true;
        // Back after a drop: conversations and messages catch up in the engine; contacts are fetched again.
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
      // A message ends its sender's typing, and tells how far they have read.
      c.on('message', (m) =>
        this.update((s) => {
          if (m.sender === s.me) return s;
          const typing = s.typing[m.conversationId];
          const reads = withRead(s.reads, { conversationId: m.conversationId, username: m.sender, seq: m.seq });
          return reads === s.reads && !typing?.[m.sender]
            ? s
            : { ...s, reads, typing: typing?.[m.sender] ? { ...s.typing, [m.conversationId]: without(typing, m.sender) } : s.typing };
        }),
      ),
      c.on('typing', ({ conversationId, username }) => this.typingSeen(conversationId, username)),
      c.on('read', (r) => this.update((s) => (r.username === s.me ? s : { ...s, reads: withRead(s.reads, r) }))),
    );
    this.engineChanged(c.engine.getState());
    this.offline.start();
    void this.sync.reload();
  }

  dispose(): void {
    this.disposed = true;
    this.offline.stop();
    for (const off of this.offs.splice(0)) off();
    clearTimeout(this.typingTimer);
    this.listeners.clear();
  }

  /** The engine published a new state: it is rendered; a conversation on screen that went away gets a notice. */
  private engineChanged(engine: EngineState): void {
    if (this.offline.holds(engine)) return;
    const before = this.state;
    this.update((s) => (s.engine === engine ? s : withEngine(s, engine)));
    const s = this.state;
    if (engine.loaded && !this.previewsLoaded) {
      this.previewsLoaded = true;
      void this.client.engine.loadPreviews().catch(() => undefined);
    }
    for (const id of Object.keys(before.conversations)) {
      if (id in s.conversations) continue;
      const gone = before.conversations[id];
      const byOthers = !this.leavingIds.delete(id);
      this.update((x) => ({
        ...x,
        typing: without(x.typing, id),
        reads: without(x.reads, id),
        removedNotice: byOthers && gone && x.activeId === id ? `You are no longer a member of ${conversationTitle(gone, x.me)}.` : x.removedNotice,
      }));
    }
  }

  upsertContact(contact: ContactDto): void {
    this.update((s) => {
      if (contact.state === 'none') return { ...s, contacts: without(s.contacts, contact.username) };
      return { ...s, contacts: { ...s.contacts, [contact.username]: contact } };
    });
  }

  upsertConversation(dto: ConversationDto): void {
    this.client.engine.conversationChanged(dto);
  }

  leaving(id: string): (left: boolean) => void {
    this.leavingIds.add(id);
    return (left) => {
      if (left) this.client.engine.conversationRemoved(id);
      else this.leavingIds.delete(id);
    };
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
