/**
 * A server in memory for unit tests of the conversation engine: conversations with an ordered log, idempotent sends
 * by client key, and levers to lose an answer, refuse a send, or go offline. No socket, no database.
 */
import type { ConversationDto } from '../../src/protocol/conversations.js';
import type { MessageDto } from '../../src/protocol/messages.js';
import type { ClientEventName, ClientEventRequest, ClientEventResponse } from '../../src/protocol/realtime.js';
import { ConversationEngine } from '../../src/sdk/engine/conversation-engine.js';
import { plainCodec } from '../../src/sdk/engine/codec.js';
import { ParleyError, type SdkErrorCode } from '../../src/sdk/errors.js';
import type { Transport } from '../../src/sdk/engine/transport.js';

const encoder = new TextEncoder();

interface Conv {
  dto: ConversationDto;
  log: MessageDto[];
  keys: Map<string, MessageDto>;
}

type Handler = (payload: never) => unknown;

export class FakeServer implements Transport {
  readonly convs = new Map<string, Conv>();
  connected = true;
  active = true;
  /** Every request made, in order. */
  readonly requests: { event: string; payload: unknown }[] = [];
  /** The next sends are stored, but their answer is lost (the client sees NETWORK). */
  loseSendAnswers = 0;
  /** Sends are refused with this code (nothing stored). */
  refuseSends: SdkErrorCode | undefined;
  /** This many sends more are refused as too fast, with a wait of `throttleSeconds` named. */
  throttleSends = 0;
  throttleSeconds = 0;
  /** Sends are stored, then answered with this error (as if the answer were garbled on its way). */
  refuseAnswers: SdkErrorCode | undefined;
  /** Live events the server would push to this client. */
  onLive: ((dto: MessageDto) => void) | undefined;
  /** A send's own message is pushed live before its answer comes. */
  echoBeforeAnswer = true;
  private nextId = 1;

  constructor(readonly me: string) {}

  conversation(id: string, members: string[] = [this.me, 'bob']): ConversationDto {
    const dto: ConversationDto = {
      id, kind: 'direct', name: null, members: members.map((username) => ({ username, role: 'member' })), myRole: 'member',
      lastSeq: 0, joinedSeq: 0, readSeq: 0, unread: 0, lastActivityAt: new Date(0).toISOString(),
    };
    this.convs.set(id, { dto, log: [], keys: new Map() });
    return dto;
  }

  /** Stores a message (from anyone) and returns it; `live` pushes it to the client. */
  store(conversationId: string, sender: string, text: string, live = false): MessageDto {
    const c = this.conv(conversationId);
    const dto: MessageDto = {
      id: `m${this.nextId++}`, conversationId, seq: c.log.length + 1, sender, contentType: 'text/plain', body: encoder.encode(text),
      sentAt: new Date(Date.parse('2025-01-01T00:00:00Z') + c.log.length * 1000).toISOString(), editedAt: null, deleted: false,
    };
    c.log.push(dto);
    c.dto = { ...c.dto, lastSeq: dto.seq, lastActivityAt: dto.sentAt };
    if (sender === this.me) c.dto = { ...c.dto, readSeq: dto.seq };
    if (live) this.onLive?.(dto);
    return dto;
  }

  view(id: string): ConversationDto {
    const c = this.conv(id);
    const from = Math.max(c.dto.readSeq, c.dto.joinedSeq);
    const unread = c.log.filter((m) => m.seq > from && m.sender !== this.me && !m.deleted).length;
    return { ...c.dto, unread };
  }

  private conv(id: string): Conv {
    const c = this.convs.get(id);
    if (!c) throw new ParleyError('NOT_FOUND', 'No such conversation.');
    return c;
  }

  private readonly handlers: Record<string, Handler> = {
    'conversations:list': () => ({ conversations: [...this.convs.keys()].map((id) => this.view(id)) }),
    'conversations:get': ({ conversationId }: { conversationId: string }) => ({ conversation: this.view(conversationId) }),
    'messages:after': ({ conversationId, after, limit }: { conversationId: string; after: number; limit: number }) => {
      const rest = this.conv(conversationId).log.filter((m) => m.seq > after);
      return { messages: rest.slice(0, limit), hasMore: rest.length > limit };
    },
    'messages:history': ({ conversationId, before, limit }: { conversationId: string; before?: number; limit: number }) => {
      const older = this.conv(conversationId).log.filter((m) => before === undefined || m.seq < before);
      return { messages: older.slice(-limit), hasMore: older.length > limit };
    },
    'messages:read': ({ conversationId, seq }: { conversationId: string; seq: number }) => {
      const c = this.conv(conversationId);
      c.dto = { ...c.dto, readSeq: Math.max(c.dto.readSeq, seq) };
      return { readSeq: c.dto.readSeq };
    },
    'messages:delete': ({ messageId }: { messageId: string }) => {
      for (const c of this.convs.values()) {
        const i = c.log.findIndex((m) => m.id === messageId);
        const m = c.log[i];
        if (m) {
          c.log[i] = { ...m, deleted: true, body: new Uint8Array() };
          return { message: c.log[i] };
        }
      }
      throw new ParleyError('NOT_FOUND', 'No such message.');
    },
    'messages:send': ({ conversationId, clientKey, body }: { conversationId: string; clientKey: string; body: Uint8Array }) => {
      if (this.refuseSends) throw new ParleyError(this.refuseSends, 'Refused.');
      if (this.throttleSends > 0) {
        this.throttleSends--;
        throw new ParleyError('RATE_LIMITED', 'Too many messages.', undefined, this.throttleSeconds);
      }
      const c = this.conv(conversationId);
      let dto = c.keys.get(clientKey);
      if (!dto) {
        dto = this.store(conversationId, this.me, new TextDecoder().decode(body));
        c.keys.set(clientKey, dto);
        if (this.echoBeforeAnswer) this.onLive?.(dto);
      }
      if (this.refuseAnswers) throw new ParleyError(this.refuseAnswers, 'Refused after storing.');
      if (this.loseSendAnswers > 0) {
        this.loseSendAnswers--;
        throw new ParleyError('NETWORK', 'No answer to messages:send.');
      }
      return { message: dto };
    },
  };

  request<E extends ClientEventName>(event: E, payload: ClientEventRequest<E>): Promise<ClientEventResponse<E>> {
    this.requests.push({ event, payload });
    const handler = this.handlers[event];
    if (!handler) return Promise.reject(new Error(`fake server: no ${event}`));
    if (!this.connected) return Promise.reject(new ParleyError('NOT_CONNECTED', 'Not connected.'));
    // Answers come on a later turn, as over a socket.
    return new Promise((resolve, reject) => {
      setTimeout(() => {
        try {
          resolve(handler(payload as never) as ClientEventResponse<E>);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      }, 0);
    });
  }

  sends(): { clientKey: string }[] {
    return this.requests.filter((r) => r.event === 'messages:send').map((r) => r.payload as { clientKey: string });
  }
}

/** alice's engine (plain bodies) on `server`, its live events wired, caught up, with conversation `c` open. */
export async function openEngine(server: FakeServer): Promise<ConversationEngine> {
  const engine = new ConversationEngine({ transport: server, me: () => 'alice', codec: () => Promise.resolve(plainCodec) });
  server.onLive = (dto) => engine.accept(dto);
  await engine.resync();
  await engine.open('c');
  return engine;
}
