/**
 * The conversation engine: per conversation the ordered log, the outbox with its local echoes, encryption and
 * decryption (through a Codec), and the decrypted view. It takes commands (send, edit, delete, markRead, retry, open,
 * loadOlder, …) and keeps one state a UI subscribes to (`getState`/`subscribe`); the same code runs in Node and in
 * the browser. Socket events come in through `accept`, `updated`, `conversationChanged`, `conversationRemoved`,
 * `readMoved` and `resync` (after each `ready`).
 */
import { v7 as uuidv7 } from 'uuid';
import type { ConversationDto } from '../../protocol/conversations.js';
import type { MessageDto } from '../../protocol/messages.js';
import { Emitter } from '../emitter.js';
import { errorCode, ParleyError } from '../errors.js';
import type { Attachments } from '../attachments.js';
import { noRichFields, type Message, type SendPayload } from '../message-stream.js';
import { plainCodec, type Codec, type Content } from './codec.js';
import { missedUpdates } from './missed-updates.js';
import { OrderedLog } from './ordered-log.js';
import { OwnEchoes } from './own-echoes.js';
import { Outbox, type OutboxItem } from './outbox.js';
import { checkEmoji, checkSendContent, mentionsIn, uploadPending, type PendingUpload, type SendContent } from './rich-send.js';
import { Sending } from './sending.js';
import type { Transport } from './transport.js';
import { emptyState, type EngineMessage, type EngineState } from './types.js';
import * as view from './view.js';

export type EngineEvents = {
  /** A stored message, exactly once and in order per conversation (live or caught up). */
  message: (message: Message) => void;
  /** A message was edited or deleted. */
  messageUpdated: (message: Message) => void;
  /** A step in the background failed (a catch-up after a reconnect, say). */
  error: (error: unknown) => void;
};

export interface EngineOptions {
  transport: Transport;
  /** The signed-in user's name (whose messages are "own"). */
  me: () => string | undefined;
  /** How entries are read and written: waits for the end-to-end layer to open; throws if it cannot be used. */
  codec: () => Promise<Codec>;
  /** Told of every conversation the engine learns about (the end-to-end layer follows their members). */
  seen?: (conversation: ConversationDto) => void;
  /** Encrypts and uploads a message's files (none: messages carry text only). */
  files?: Attachments;
  /** Sends are end-to-end encrypted (local echoes say so before the end-to-end layer has opened); default false. */
  encrypts?: boolean;
}

/** The first screenful when a conversation opens, then bigger pages while scrolling up. */
const FIRST_PAGE = 50;
const OLDER_PAGE = 100;

export class ConversationEngine extends Emitter<EngineEvents> {
  private state: EngineState = emptyState();
  private readonly listeners = new Set<(state: EngineState) => void>();
  private readonly log: OrderedLog;
  private readonly sending: Sending;
  private readonly outbox: Outbox;
  /** Own entries recognised on the wire before their acknowledgement: "conversationId:seq" → local id. */
  private readonly echoOf = new Map<string, string>();
  private readonly ownEchoes = new OwnEchoes();
  /** Read marks on their way, per conversation. */
  private readonly reading = new Map<string, { seq: number; done: Promise<number> }>();
  private focused: string | undefined;
  /** Decodes entries; set once the end-to-end layer opened (plain until then, and with encryption off). */
  decoder: Codec | undefined;

  constructor(private readonly options: EngineOptions) {
    super();
    this.sending = new Sending(options.transport);
    this.log = new OrderedLog(options.transport, {
      entry: (dto) => this.entry(dto),
      decode: (dto) => this.ownEchoes.decode(dto, this.echoOf.get(`${dto.conversationId}:${dto.seq}`), () => this.currentDecoder().decode(dto)),
      deliver: (m) => this.deliver(m),
      seen: (c) => {
        this.set(view.withConversation(this.state, c));
        options.seen?.(c);
      },
      listed: (list) => this.set(view.withConversations(this.state, list)),
      error: (err) => this.emit('error', err),
    });
    this.outbox = new Outbox({
      run: (item) => this.run(item),
      stored: (item, m) => {
        // An edit of our own is a change like anyone's: the view and the `messageUpdated` listeners (search) hear it.
        if (item.content.kind === 'message') this.set(view.withStored(this.state, m, item.localId));
        else this.changed(m);
      },
      failed: (item, err) => {
        const code = errorCode(err);
        const failure = { status: 'failed' as const, error: describe(err), ...(code ? { errorCode: code } : {}) };
        this.set(view.withEchoChanged(this.state, item.conversationId, item.localId, failure));
      },
    });
  }

  // ---- state ----

  getState = (): EngineState => this.state;

  subscribe(listener: (state: EngineState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(next: EngineState): void {
    if (next === this.state) return;
    this.state = next;
    for (const l of [...this.listeners]) l(next);
  }

  // ---- commands ----

  /**
   * Shows the message at once as a pending echo and sends it: its files are encrypted and uploaded first (once), then
   * the message carrying their keys is encrypted and sent with their blob ids. `stored` settles once the server
   * stored it (or failed). Throws VALIDATION_FAILED (nothing queued) for empty or oversized content, and NOT_FOUND
   * for a reply to a message this client has not shown.
   */
  send(conversationId: string, content: string | SendContent): { localId: string; stored: Promise<Message> } {
    const input: SendContent = typeof content === 'string' ? { text: content } : content;
    checkSendContent(input);
    const text = input.text ?? '';
    const members = this.state.conversations[conversationId]?.conversation.members.map((m) => m.username);
    const mentions = input.mentions ?? mentionsIn(text, members);
    const uploads: PendingUpload[] = (input.attachments ?? []).map((f) => ({ input: f, done: 0, total: 0 }));
    const message: Content = { kind: 'message', text, replyTo: null, mentions, attachments: [] };
    const { item, stored } = this.outbox.add(conversationId, message, uploads, input.replyTo, input.localId);
    this.set(view.withEcho(this.state, this.echo(item)));
    return { localId: item.localId, stored };
  }

  /** Puts an emoji on a message (any member's); applied for everyone once stored. */
  react(messageId: string, emoji: string): Promise<Message> {
    return this.reaction(messageId, emoji, 'add');
  }

  /** Takes this user's emoji off a message. */
  unreact(messageId: string, emoji: string): Promise<Message> {
    return this.reaction(messageId, emoji, 'remove');
  }

  private async reaction(messageId: string, emoji: string, action: 'add' | 'remove'): Promise<Message> {
    checkEmoji(emoji);
    const codec = await this.options.codec();
    if (!codec.encrypted) throw new ParleyError('VALIDATION_FAILED', 'Reactions need end-to-end encryption.');
    const at = await codec.locate(messageId);
    if (!at) throw new ParleyError('NOT_FOUND', 'That message is not one this client has shown.');
    return this.outbox.add(at.conversationId, { kind: 'reaction', target: { id: messageId, seq: at.seq }, emoji, action }).stored;
  }

  /** Sends a failed message again with the same idempotency key (it is stored at most once). */
  retry(localId: string): Promise<Message> | undefined {
    const item = this.outbox.get(localId);
    const again = this.outbox.retry(localId);
    if (item && again) this.set(view.withEchoChanged(this.state, item.conversationId, localId, { status: 'pending' }));
    return again;
  }

  /** Drops a failed message (never sent). */
  discard(localId: string): void {
    const item = this.outbox.discard(localId);
    if (item) this.set(view.withEchoChanged(this.state, item.conversationId, localId, 'discard'));
  }

  /** Edits one of this user's messages: an encrypted edit (a log entry every reader applies), or in place. */
  async edit(messageId: string, text: string): Promise<Message> {
    const codec = await this.options.codec();
    const at = await codec.locate(messageId);
    if (codec.encrypted && at) {
      if (at.sender !== this.options.me()) throw new ParleyError('FORBIDDEN', 'You can only edit your own messages.');
      return this.outbox.add(at.conversationId, { kind: 'edit', target: { id: messageId, seq: at.seq }, text }).stored;
    }
    const { message } = await this.options.transport.request('messages:edit', { messageId, contentType: 'text/plain', body: new TextEncoder().encode(text) });
    const m = await codec.updated(message);
    if (m) this.set(view.withUpdate(this.state, m));
    return m ?? codec.sent(message, { kind: 'message', text, replyTo: null, mentions: [], attachments: [] });
  }

  /** Deletes one of this user's messages: a tombstone for everyone. */
  async delete(messageId: string): Promise<Message> {
    const { message } = await this.options.transport.request('messages:delete', { messageId });
    const m = (await (await this.options.codec()).updated(message)) ?? (await this.currentDecoder().decode(message));
    if (!m) throw new ParleyError('BAD_RESPONSE', 'The deleted message cannot be shown.');
    this.set(view.withUpdate(this.state, m));
    return m;
  }

  /** Marks everything up to `seq` as read; the other members get a receipt. A mark of a position already asked for waits for that one. */
  markRead(conversationId: string, seq: number): Promise<number> {
    const asked = this.reading.get(conversationId);
    if (asked && asked.seq >= seq) return asked.done;
    const done = this.options.transport.request('messages:read', { conversationId, seq }).then(({ readSeq }) => {
      this.set(view.withReadSeq(this.state, conversationId, readSeq));
      return readSeq;
    });
    const mark = { seq, done };
    this.reading.set(conversationId, mark);
    const forget = () => {
      if (this.reading.get(conversationId) === mark) this.reading.delete(conversationId);
    };
    done.then(forget, forget);
    return done;
  }

  /** The conversation on screen (its new messages are not counted unread), or none. */
  focus(conversationId: string | undefined): void {
    this.focused = conversationId;
  }

  /** Loads the newest page of a conversation into its window (kept live from then on); again after a failed load. */
  async open(conversationId: string): Promise<void> {
    const existing = this.state.windows[conversationId];
    if (existing && existing.status !== 'error') return;
    const echoes = this.outbox.of(conversationId).filter((i) => i.content.kind === 'message').map((i) => this.echo(i));
    this.set(view.withOpened(this.state, conversationId, echoes));
    try {
      const page = await this.history(conversationId, { limit: FIRST_PAGE });
      this.set(view.withPage(this.state, conversationId, page.messages, page.hasMore));
    } catch (err) {
      this.set(view.withWindowStatus(this.state, conversationId, { status: 'error', error: describe(err) }));
      throw err;
    }
  }

  /** Older messages into an open window (when scrolled to the top). */
  async loadOlder(conversationId: string): Promise<void> {
    const window = this.state.windows[conversationId];
    const oldest = window?.messages.find((m) => m.status === 'sent');
    if (!window || !oldest || !window.hasMore || window.loadingOlder || window.status !== 'ready') return;
    this.set(view.withWindowStatus(this.state, conversationId, { loadingOlder: true, error: undefined }));
    try {
      const page = await this.history(conversationId, { before: oldest.seq, limit: OLDER_PAGE });
      this.set(view.withPage(this.state, conversationId, page.messages, page.hasMore));
    } catch (err) {
      this.set(view.withWindowStatus(this.state, conversationId, { loadingOlder: false, error: describe(err) }));
      throw err;
    }
  }

  /** The newest message of up to `max` most recent conversations that have none yet, for the list's preview line. */
  async loadPreviews(max = 40): Promise<void> {
    const queue = Object.values(this.state.conversations)
      .filter((e) => !e.preview && e.conversation.lastSeq > e.conversation.joinedSeq)
      .sort((a, b) => Date.parse(b.conversation.lastActivityAt) - Date.parse(a.conversation.lastActivityAt))
      .slice(0, max);
    const worker = async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        const newest = await this.history(e.conversation.id, { limit: 1 }).then((p) => p.messages.at(-1), () => undefined);
        if (newest) this.set(view.withPreview(this.state, newest));
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  /** Older messages, oldest first: up to `limit` before `before` (default: the newest), and whether more remain. */
  async history(conversationId: string, options: { before?: number; limit?: number } = {}): Promise<{ messages: Message[]; hasMore: boolean }> {
    const limit = options.limit ?? 50;
    const codec = await this.options.codec();
    let before = options.before;
    const messages: Message[] = [];
    for (;;) {
      const res = await this.options.transport.request('messages:history', { conversationId, ...(before !== undefined ? { before } : {}), limit });
      // Expired messages are not shown (nor are commits): a page of them is followed by an older one until `limit` are found.
      messages.unshift(...(await codec.page(conversationId, res.messages)).filter((m) => !m.expired));
      before = res.messages[0]?.seq;
      if (messages.length >= limit || !res.hasMore || before === undefined) {
        const extra = Math.max(0, messages.length - limit);
        return { messages: messages.slice(extra), hasMore: res.hasMore || extra > 0 };
      }
    }
  }

  // ---- what the connection brings ----

  /** At every `ready`: the baseline the first time, then whatever was missed; then waiting sends go on. */
  async resync(): Promise<void> {
    await this.log.resync();
    this.sending.ready();
    // Deletes made while the connection was down come as no entry: applied like a `message:updated` event.
    for (const [id, window] of Object.entries(this.state.windows)) {
      if (window.status !== 'ready') continue;
      for (const dto of await missedUpdates(this.options.transport, id, window, !this.currentDecoder().encrypted)) this.updated(dto);
    }
  }

  accept(dto: MessageDto): void {
    this.log.accept(dto);
  }

  /** An edit or delete the server announced: applied in order with the conversation's entries. */
  updated(dto: MessageDto): void {
    this.log.after(dto.conversationId, async () => {
      this.set(view.withUnreadDeleted(this.state, dto, this.options.me() ?? ''));
      const m = await this.currentDecoder().updated(dto);
      if (m) this.changed(m);
    });
  }

  /** A message changed as the end-to-end layer read it (an edit applied). */
  changed(m: Message): void {
    this.set(view.withUpdate(this.state, m));
    this.emit('messageUpdated', m);
  }

  conversationChanged(c: ConversationDto): void {
    this.log.conversationSeen(c);
  }

  conversationRemoved(conversationId: string): void {
    this.log.forget(conversationId);
    this.set(view.withoutConversation(this.state, conversationId));
  }

  /** This user's read position moved on another device. */
  readMoved(conversationId: string, seq: number): void {
    this.set(view.withReadSeq(this.state, conversationId, seq));
  }

  // ---- for the codec and the end-to-end layer (its EngineHost) ----

  settle(conversationId: string): Promise<void> {
    return this.log.settle(conversationId);
  }

  /** Puts a message of the outbox on the wire under its key (every attempt's bytes mark its echo); STALE_EPOCH rejects. */
  transmit = (conversationId: string, clientKey: string, payload: SendPayload): Promise<MessageDto> =>
    this.sending.send(conversationId, clientKey, payload, {
      onAttempt: (attempt) => {
        const item = this.outbox.get(clientKey);
        if (item) item.body = attempt.body;
      },
    });

  /** A send of the end-to-end layer's own (a commit): its own key, retried across reconnects; STALE_EPOCH rejects. */
  sendPayload(conversationId: string, payload: SendPayload): Promise<MessageDto> {
    return this.sending.send(conversationId, uuidv7(), payload);
  }

  retrying<T>(task: () => Promise<T>): Promise<T> {
    return this.sending.retrying(task);
  }

  /** Forgets the log, the outbox and the state (closed or signed out); the decoder stays until sign-out unsets it. */
  close(): void {
    this.sending.close();
    this.log.close();
    this.outbox.clear();
    this.echoOf.clear();
    this.ownEchoes.clear();
    this.reading.clear();
    this.set(emptyState());
  }

  // ---- inside ----

  private currentDecoder(): Codec {
    return this.decoder ?? plainCodec;
  }

  private async run(item: OutboxItem): Promise<Message> {
    const codec = await this.options.codec();
    if (item.content.kind === 'message' && item.replyTo !== undefined && !item.content.replyTo) {
      const at = await codec.locate(item.replyTo);
      if (!at || at.conversationId !== item.conversationId) throw new ParleyError('NOT_FOUND', 'The message this replies to is not one this client has shown.');
      item.content = { ...item.content, replyTo: { id: item.replyTo, seq: at.seq } };
    }
    if (item.uploads.length > 0 && !codec.encrypted) throw new ParleyError('VALIDATION_FAILED', 'Files need end-to-end encryption.');
    const progress = () => this.set(view.withEchoChanged(this.state, item.conversationId, item.localId, { uploads: this.uploadsOf(item) }));
    const { content, blobIds } = await uploadPending(this.options.files, item.conversationId, item.content, item.uploads, progress);
    item.content = content;
    // The blob ids stay with every attempt, a rebuild after STALE_EPOCH too: the files are bound, never uploaded again.
    const request = { clientKey: item.localId, settled: codec.encrypted, ...(blobIds.length > 0 ? { blobIds } : {}) };
    // The log is settled here, next to it, so that the send is one call into the end-to-end layer (in the browser,
    // one request to the worker and its answer: the payload, which goes on the wire from here through `transmit`).
    const sent = this.sending.retrying(async () => {
      if (codec.encrypted) await this.log.settle(item.conversationId);
      return codec.send(item.conversationId, content, request, this.transmit);
    });
    this.ownEchoes.expect(item.localId, sent, content.kind === 'message');
    return (await sent).message;
  }

  private entry(dto: MessageDto): void {
    const me = this.options.me() ?? '';
    if (dto.sender === me) {
      const item = this.outbox.inFlight(dto.conversationId, dto.body);
      if (item) {
        // Shown as this echo once decoded; a failed one was stored after all (its answer was lost): it is sent.
        this.echoOf.set(`${dto.conversationId}:${dto.seq}`, item.localId);
        this.outbox.confirmed(item.localId);
      }
    }
    this.set(view.withEntryCounted(this.state, dto, me, this.focused === dto.conversationId));
  }

  private deliver(m: Message): void {
    // Caught up only after it expired: nothing to show (its erasure was applied while decoding it).
    if (m.expired) return;
    const key = `${m.conversationId}:${m.seq}`;
    const localId = this.echoOf.get(key);
    this.echoOf.delete(key);
    this.set(view.withStored(this.state, m, localId));
    this.emit('message', m);
  }

  private echo(item: OutboxItem): EngineMessage {
    const text = item.content.kind === 'message' ? item.content.text : '';
    const base = { id: '', seq: 0, conversationId: item.conversationId, sender: this.options.me() ?? '', text, sentAt: new Date().toISOString() };
    const rich = { ...noRichFields(), mentions: item.content.kind === 'message' ? item.content.mentions : [] };
    const uploads = item.uploads.length > 0 ? { uploads: this.uploadsOf(item) } : {};
    return { ...base, ...rich, replyTo: item.replyTo ?? null, editedAt: null, deleted: false, contentType: '', encrypted: this.options.encrypts ?? false, decryptionError: null, status: item.status, localId: item.localId, ...uploads };
  }

  private uploadsOf(item: OutboxItem) {
    return item.uploads.map((u) => ({ name: u.input.name, type: u.input.type, size: u.descriptor?.size ?? u.input.size ?? 0, done: u.done, total: u.total }));
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
