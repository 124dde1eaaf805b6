import type { ConversationDto } from '../../protocol/conversations.js';
import type { MessageDto } from '../../protocol/messages.js';
import type { Message } from '../message-stream.js';
import type { Transport } from './transport.js';

/** Turns a stored log entry into what the app sees (decrypting it), or undefined for entries apps do not show. */
export type Decode = (dto: MessageDto) => Promise<Message | undefined>;

export interface LogHooks {
  /** Every log entry once, in order, as soon as its turn comes (before decoding): counters, own-echo matching. */
  entry(dto: MessageDto): void;
  /** Turns an entry into a message (decrypting it); undefined for entries not shown (commits, edits). */
  decode: Decode;
  /** A decoded message, exactly once and in order per conversation. */
  deliver(message: Message): void;
  /** Every conversation the log learns about (at each resync and as they appear). */
  seen(conversation: ConversationDto): void;
  /** The conversation list fetched at a resync. */
  listed(conversations: ConversationDto[]): void;
  error: (err: unknown) => void;
}

interface ConversationLog {
  /** Every entry up to this sequence number has been handed on. */
  delivered: number;
  /** Entries that arrived ahead of a gap, by sequence number. */
  ahead: Map<number, MessageDto>;
  filling: Promise<void> | undefined;
  /** Decoding runs one entry at a time per conversation, in order. */
  chain: Promise<void>;
}

/**
 * The ordered log of every conversation: live entries and fetched ones meet here, are deduplicated by sequence
 * number, held back behind a gap until the gap is fetched, and handed on one by one, in order. The first resync sets
 * the baseline (the newest entry of each conversation); later ones (after a reconnect) fetch what was missed.
 */
export class OrderedLog {
  private readonly logs = new Map<string, ConversationLog>();
  private synced = false;
  private readonly early: MessageDto[] = [];

  constructor(
    private readonly transport: Transport,
    private readonly hooks: LogHooks,
  ) {}

  /** Called at every `ready`: sets the baseline the first time, then fetches whatever was missed. */
  async resync(): Promise<void> {
    const { conversations } = await this.transport.request('conversations:list', {});
    const first = !this.synced;
    this.hooks.listed(conversations);
    for (const c of conversations) {
      this.hooks.seen(c);
      if (!this.logs.has(c.id)) this.track(c.id, first ? c.lastSeq : c.joinedSeq);
    }
    this.synced = true;
    for (const dto of this.early.splice(0)) this.accept(dto);
    const behind = conversations.filter((c) => c.lastSeq > this.logOf(c.id).delivered);
    // A few at a time: the server runs a connection's requests through a bounded queue (RATE_LIMITED beyond it).
    for (let i = 0; i < behind.length; i += 8) await Promise.all(behind.slice(i, i + 8).map((c) => this.fill(c.id)));
  }

  /** A conversation that appeared while connected: deliver everything the user may read in it. */
  conversationSeen(c: ConversationDto): void {
    this.hooks.seen(c);
    if (!this.synced || this.logs.has(c.id)) return;
    this.track(c.id, c.joinedSeq);
    if (c.lastSeq > c.joinedSeq) void this.fill(c.id).catch(this.hooks.error);
  }

  forget(conversationId: string): void {
    this.logs.delete(conversationId);
  }

  accept(dto: MessageDto): void {
    if (!this.synced) {
      this.early.push(dto);
      return;
    }
    let log = this.logs.get(dto.conversationId);
    if (!log) {
      // Unknown conversation (its event is still on the way): learn where the user joined, then deliver.
      log = this.track(dto.conversationId, Number.MAX_SAFE_INTEGER);
      log.ahead.set(dto.seq, dto);
      void this.transport
        .request('conversations:get', { conversationId: dto.conversationId })
        .then(({ conversation }) => {
          this.hooks.seen(conversation);
          const s = this.logOf(conversation.id);
          s.delivered = conversation.joinedSeq;
          this.drain(s);
          return this.fill(conversation.id);
        })
        .catch(this.hooks.error);
      return;
    }
    if (dto.seq <= log.delivered || log.ahead.has(dto.seq)) return;
    log.ahead.set(dto.seq, dto);
    this.drain(log);
    if (log.ahead.size > 0) void this.fill(dto.conversationId).catch(this.hooks.error);
  }

  /** Fetches everything after the last delivered entry (one fetch at a time per conversation). */
  fill(conversationId: string): Promise<void> {
    const log = this.logOf(conversationId);
    log.filling ??= (async () => {
      try {
        for (;;) {
          const { messages, hasMore } = await this.transport.request('messages:after', {
            conversationId,
            after: log.delivered,
            limit: 200,
          });
          for (const m of messages) if (m.seq > log.delivered) log.ahead.set(m.seq, m);
          this.drain(log);
          if (!hasMore || messages.length === 0) return;
        }
      } finally {
        log.filling = undefined;
      }
    })();
    return log.filling;
  }

  /** Runs `task` after every entry of the conversation handed to decoding so far (e.g. an edit or delete event). */
  after(conversationId: string, task: () => Promise<void>): void {
    const log = this.logs.get(conversationId);
    if (!log) return void task().catch(this.hooks.error);
    log.chain = log.chain.then(task).catch(this.hooks.error);
  }

  /** Resolves once everything stored in the conversation so far has been fetched and decoded. */
  async settle(conversationId: string): Promise<void> {
    let log = this.logs.get(conversationId);
    if (!log) {
      // Not followed yet (e.g. a Welcome came before the conversation's event): follow it from where we joined.
      const { conversation } = await this.transport.request('conversations:get', { conversationId });
      log = this.logs.get(conversationId) ?? this.track(conversationId, conversation.joinedSeq);
    }
    // A fetch already under way may have started before the newest entry was stored: fetch once more after it.
    await log.filling;
    await this.fill(conversationId);
    for (let chain = log.chain; ; chain = log.chain) {
      await chain;
      if (chain === log.chain) return;
    }
  }

  /** Forgets everything (the client closed or signed out). */
  close(): void {
    this.synced = false;
    this.logs.clear();
    this.early.length = 0;
  }

  private track(conversationId: string, delivered: number): ConversationLog {
    const log: ConversationLog = { delivered, ahead: new Map(), filling: undefined, chain: Promise.resolve() };
    this.logs.set(conversationId, log);
    return log;
  }

  private logOf(conversationId: string): ConversationLog {
    return this.logs.get(conversationId) ?? this.track(conversationId, 0);
  }

  private drain(log: ConversationLog): void {
    for (const seq of [...log.ahead.keys()]) if (seq <= log.delivered) log.ahead.delete(seq);
    for (let next = log.ahead.get(log.delivered + 1); next; next = log.ahead.get(log.delivered + 1)) {
      log.ahead.delete(next.seq);
      log.delivered = next.seq;
      const dto = next;
      this.hooks.entry(dto);
      log.chain = log.chain.then(async () => {
        try {
          const message = await this.hooks.decode(dto);
          if (message) this.hooks.deliver(message);
        } catch (err) {
          this.hooks.error(err);
        }
      });
    }
  }
}
