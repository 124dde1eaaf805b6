import type { ConversationDto } from '../protocol/conversations.js';
import { MAX_BODY_BYTES, type MessageDto } from '../protocol/messages.js';
import { MLS_CONTENT_PREFIX } from '../protocol/e2e.js';
import { v7 as uuidv7 } from 'uuid';
import { ParleyError, errorCode, isConnectionError } from './errors.js';
import type { Realtime } from './realtime.js';

/** A message as an app sees it. */
export interface Message {
  id: string;
  seq: number;
  conversationId: string;
  sender: string;
  text: string;
  sentAt: string;
  editedAt: string | null;
  deleted: boolean;
  contentType: string;
  /** End-to-end encrypted (MLS): only the conversation's devices could read it. */
  encrypted: boolean;
  /** Why this device could not read the message (then `text` is empty), or null. Never shown as someone's text. */
  decryptionError: string | null;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Why a client without its end-to-end layer shows no text for an MLS message. */
export const NOT_DECRYPTED_HERE = 'This message is end-to-end encrypted, and encryption is not set up in this client.';

export function toMessage(dto: MessageDto): Message {
  // Ciphertext is never decoded as text: a client that cannot decrypt says so.
  if (dto.contentType.startsWith(MLS_CONTENT_PREFIX)) {
    return { ...plainFields(dto), text: '', encrypted: true, decryptionError: dto.deleted ? null : NOT_DECRYPTED_HERE };
  }
  return { ...plainFields(dto), text: dto.deleted ? '' : decoder.decode(dto.body), encrypted: false, decryptionError: null };
}

function plainFields(dto: MessageDto) {
  return {
    id: dto.id,
    seq: dto.seq,
    conversationId: dto.conversationId,
    sender: dto.sender,
    sentAt: dto.sentAt,
    editedAt: dto.editedAt,
    deleted: dto.deleted,
    contentType: dto.contentType,
  };
}

/** Turns a stored message into what the app sees (decrypting it), or undefined for log entries apps do not show. */
export type Decode = (dto: MessageDto) => Promise<Message | undefined>;
const plain: Decode = (dto) => Promise.resolve(toMessage(dto));

/** What a send puts on the wire (its idempotency key is added by the stream). */
export interface SendPayload {
  contentType: string;
  body: Uint8Array;
  groupInfo?: Uint8Array;
  welcome?: Uint8Array;
}

export interface SendOptions {
  /** Called again after STALE_EPOCH (the group moved on): catch up first, then build the payload anew. */
  rebuildWhenStale?: () => Promise<SendPayload>;
}

interface ConversationState {
  /** Every message up to this sequence number has been handed to the app. */
  delivered: number;
  /** Messages that arrived ahead of a gap, by sequence number. */
  ahead: Map<number, MessageDto>;
  filling: Promise<void> | undefined;
  /** Decoding runs one message at a time per conversation, in order. */
  chain: Promise<void>;
}

/**
 * Exactly-once, in-order delivery on the client: live messages and resumed ones meet here, are deduplicated by
 * sequence number, held back behind a gap until the gap is fetched, and handed to the app one by one, in order.
 * Sends go through an outbox: an unacknowledged send is retried with the same idempotency key after a reconnect.
 */
export class MessageStream {
  private readonly states = new Map<string, ConversationState>();
  private synced = false;
  private readonly early: MessageDto[] = [];
  private readyWaiters: (() => void)[] = [];

  constructor(
    private readonly realtime: Realtime,
    private readonly deliver: (message: Message) => void,
    private readonly onError: (err: unknown) => void,
    public decode: Decode = plain,
  ) {}

  /** Told of every conversation the stream learns about (at each resync and as they appear). */
  seen: ((conversation: ConversationDto) => void) | undefined;

  /** Called at every `ready`: sets the baseline the first time, then fetches whatever was missed. */
  async resync(): Promise<void> {
    const { conversations } = await this.realtime.request('conversations:list', {});
    const first = !this.synced;
    for (const c of conversations) {
      this.seen?.(c);
      if (!this.states.has(c.id)) this.track(c.id, first ? c.lastSeq : c.joinedSeq);
    }
    this.synced = true;
    for (const dto of this.early.splice(0)) this.accept(dto);
    const behind = conversations.filter((c) => c.lastSeq > this.stateOf(c.id).delivered);
    // A few at a time: the server runs a connection's requests through a bounded queue (RATE_LIMITED beyond it).
    for (let i = 0; i < behind.length; i += 8) await Promise.all(behind.slice(i, i + 8).map((c) => this.fill(c.id)));
    for (const w of this.readyWaiters.splice(0)) w();
  }

  /** A conversation that appeared while connected: deliver everything the user may read in it. */
  conversationSeen(c: ConversationDto): void {
    this.seen?.(c);
    if (!this.synced || this.states.has(c.id)) return;
    this.track(c.id, c.joinedSeq);
    if (c.lastSeq > c.joinedSeq) void this.fill(c.id).catch(this.onError);
  }

  forget(conversationId: string): void {
    this.states.delete(conversationId);
  }

  accept(dto: MessageDto): void {
    if (!this.synced) {
      this.early.push(dto);
      return;
    }
    let state = this.states.get(dto.conversationId);
    if (!state) {
      // Unknown conversation (its event is still on the way): learn where the user joined, then deliver.
      state = this.track(dto.conversationId, Number.MAX_SAFE_INTEGER);
      state.ahead.set(dto.seq, dto);
      void this.realtime
        .request('conversations:get', { conversationId: dto.conversationId })
        .then(({ conversation }) => {
          const s = this.stateOf(conversation.id);
          s.delivered = conversation.joinedSeq;
          this.drain(s);
          return this.fill(conversation.id);
        })
        .catch(this.onError);
      return;
    }
    if (dto.seq <= state.delivered || state.ahead.has(dto.seq)) return;
    state.ahead.set(dto.seq, dto);
    this.drain(state);
    if (state.ahead.size > 0) void this.fill(dto.conversationId).catch(this.onError);
  }

  /** Fetches everything after the last delivered message (one fetch at a time per conversation). */
  fill(conversationId: string): Promise<void> {
    const state = this.stateOf(conversationId);
    state.filling ??= (async () => {
      try {
        for (;;) {
          const { messages, hasMore } = await this.realtime.request('messages:after', {
            conversationId,
            after: state.delivered,
            limit: 200,
          });
          for (const m of messages) if (m.seq > state.delivered) state.ahead.set(m.seq, m);
          this.drain(state);
          if (!hasMore || messages.length === 0) return;
        }
      } finally {
        state.filling = undefined;
      }
    })();
    return state.filling;
  }

  /** Sends text with an idempotency key; resolves once the server has stored it, retrying across reconnects. */
  async send(conversationId: string, text: string, contentType = 'text/plain'): Promise<Message> {
    const body = encoder.encode(text);
    const dto = await this.sendPayload(conversationId, { contentType, body });
    return toMessage(dto);
  }

  /**
   * Sends a payload with one idempotency key for every attempt: retried after a network failure or reconnect (the
   * server stores a key's message at most once), rebuilt after STALE_EPOCH if `rebuildWhenStale` is given.
   */
  async sendPayload(conversationId: string, payload: SendPayload, options: SendOptions = {}): Promise<MessageDto> {
    // Time-ordered (UUIDv7): a sender's keys are appended to the server's idempotency index, not scattered over it.
    const clientKey = uuidv7();
    if (payload.body.byteLength > MAX_BODY_BYTES) {
      throw new ParleyError('PAYLOAD_TOO_LARGE', `A message holds at most ${MAX_BODY_BYTES} bytes; this one has ${payload.body.byteLength}.`);
    }
    let serverFailures = 0;
    let stale = 0;
    for (;;) {
      try {
        const { message } = await this.realtime.request('messages:send', { conversationId, clientKey, ...payload });
        return message;
      } catch (err) {
        if (err instanceof ParleyError && err.code === 'STALE_EPOCH' && options.rebuildWhenStale && ++stale <= 20) {
          payload = await options.rebuildWhenStale();
          continue;
        }
        // Safe to retry with the same key: the server stores a key's message at most once.
        const serverFailure = errorCode(err) === 'INTERNAL';
        if (!(isConnectionError(err) || serverFailure) || (serverFailure && ++serverFailures > 20)) throw err;
        if (!this.realtime.socket) throw err;
        // Timed out on a live connection: try again shortly; disconnected: wait until the connection is back.
        if (this.realtime.connected) await new Promise((r) => setTimeout(r, 250));
        else await this.nextReady();
      }
    }
  }

  /** Runs `task` after every message of the conversation handed to decoding so far (e.g. an edit or delete event). */
  after(conversationId: string, task: () => Promise<void>): void {
    const state = this.states.get(conversationId);
    if (!state) return void task().catch(this.onError);
    state.chain = state.chain.then(task).catch(this.onError);
  }

  /** Resolves once everything stored in the conversation so far has been fetched and decoded. */
  async settle(conversationId: string): Promise<void> {
    let state = this.states.get(conversationId);
    if (!state) {
      // Not followed yet (e.g. a Welcome came before the conversation's event): follow it from where we joined.
      const { conversation } = await this.realtime.request('conversations:get', { conversationId });
      state = this.states.get(conversationId) ?? this.track(conversationId, conversation.joinedSeq);
    }
    // A fetch already under way may have started before the newest message was stored: fetch once more after it.
    await state.filling;
    await this.fill(conversationId);
    for (let chain = state.chain; ; chain = state.chain) {
      await chain;
      if (chain === state.chain) return;
    }
  }

  /** Runs `task`, again after a network failure once the connection is back (for steps safe to repeat). */
  async retrying<T>(task: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await task();
      } catch (err) {
        if (!isConnectionError(err) || attempt > 40 || !this.realtime.socket) throw err;
        if (this.realtime.connected) await new Promise((r) => setTimeout(r, 250));
        else await this.nextReady();
      }
    }
  }

  private nextReady(): Promise<void> {
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  private track(conversationId: string, delivered: number): ConversationState {
    const state: ConversationState = { delivered, ahead: new Map(), filling: undefined, chain: Promise.resolve() };
    this.states.set(conversationId, state);
    return state;
  }

  private stateOf(conversationId: string): ConversationState {
    return this.states.get(conversationId) ?? this.track(conversationId, 0);
  }

  private drain(state: ConversationState): void {
    for (const seq of [...state.ahead.keys()]) if (seq <= state.delivered) state.ahead.delete(seq);
    for (let next = state.ahead.get(state.delivered + 1); next; next = state.ahead.get(state.delivered + 1)) {
      state.ahead.delete(next.seq);
      state.delivered = next.seq;
      const dto = next;
      state.chain = state.chain.then(async () => {
        try {
          const message = await this.decode(dto);
          if (message) this.deliver(message);
        } catch (err) {
          this.onError(err);
        }
      });
    }
  }

  /** Drops pending waits when the client closes. */
  close(): void {
    for (const w of this.readyWaiters.splice(0)) w();
    this.synced = false;
    this.states.clear();
    this.early.length = 0;
  }
}
