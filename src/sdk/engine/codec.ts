/**
 * The one place a log entry becomes a message and a message becomes a payload: through the end-to-end layer (MLS)
 * or, with encryption off, as plain UTF-8. New content kinds (reactions, replies, attachments) are MLS application
 * content types (`e2ee/content.ts`) decoded by the end-to-end layer and applied to the view in `view.ts`.
 */
import type { MessageDto } from '../../protocol/messages.js';
import type { E2eeApi, SendRequest, Sent } from '../e2ee/api.js';
import type { Content } from '../e2ee/content.js';
import { ParleyError, errorCode } from '../errors.js';
import { toMessage, type Message, type SendPayload } from '../message-stream.js';

export type { Content } from '../e2ee/content.js';
export type { SendRequest, Sent } from '../e2ee/api.js';

/** Puts a payload on the wire under the outbox item's key (the engine's `transmit`); STALE_EPOCH rejects. */
export type Transmit = (conversationId: string, clientKey: string, payload: SendPayload) => Promise<MessageDto>;

export interface Codec {
  /** End-to-end encrypted: edits travel as encrypted log entries. */
  readonly encrypted: boolean;
  decode(dto: MessageDto): Promise<Message | undefined>;
  /** `settled`: every entry of the conversation stored so far has just been decoded here. */
  encode(conversationId: string, content: Content, options?: { settled?: boolean }): Promise<SendPayload>;
  /**
   * A message of the outbox, encoded, transmitted (again after STALE_EPOCH, encoded anew) and kept. With end-to-end
   * encryption that is one call into the layer for the payload and, once stored, its record (in the browser the
   * record rides with the next call into the worker: `e2ee/deferred-records.ts`).
   */
  send(conversationId: string, content: Content, request: SendRequest, transmit: Transmit): Promise<Sent>;
  /** The server stored our entry: the message as it now reads (for an edit, its target). */
  sent(dto: MessageDto, content: Content): Promise<Message>;
  /** An edit or delete the server announced, as the message now reads (undefined if not shown). */
  updated(dto: MessageDto): Promise<Message | undefined>;
  /** A page of history, oldest first (entries not shown left out). */
  page(conversationId: string, dtos: MessageDto[]): Promise<Message[]>;
  /** The sender and place of a message this client has shown (to edit it), or undefined. */
  locate(messageId: string): Promise<{ conversationId: string; seq: number; sender: string | undefined } | undefined>;
}

const encoder = new TextEncoder();

function plainPayload(content: Content): Promise<SendPayload> {
  if (content.kind !== 'message' || content.replyTo || content.attachments.length > 0) {
    return Promise.reject(new ParleyError('VALIDATION_FAILED', 'Replies, files and reactions need end-to-end encryption.'));
  }
  return Promise.resolve({ contentType: 'text/plain', body: encoder.encode(content.text) });
}

export const plainCodec: Codec = {
  encrypted: false,
  decode: (dto) => Promise.resolve(toMessage(dto)),
  encode: (_conversationId, content) => plainPayload(content),
  send: async (conversationId, content, request, transmit) => {
    const dto = await transmit(conversationId, request.clientKey, await plainPayload(content));
    return { message: toMessage(dto), dto, positioned: true };
  },
  sent: (dto) => Promise.resolve(toMessage(dto)),
  updated: (dto) => Promise.resolve(toMessage(dto)),
  page: (_conversationId, dtos) => Promise.resolve(dtos.map(toMessage)),
  locate: () => Promise.resolve(undefined),
};

export function e2eeCodec(api: E2eeApi): Codec {
  return {
    encrypted: true,
    decode: (dto) => api.decode(dto),
    encode: (conversationId, content, options) => api.encrypt(conversationId, content, options),
    send: async (conversationId, content, request, transmit) => {
      let prepared = await api.send(conversationId, content, request);
      let dto: MessageDto | undefined;
      for (let stale = 0; !dto; stale++) {
        try {
          dto = await transmit(conversationId, request.clientKey, prepared.payload);
        } catch (err) {
          if (errorCode(err) !== 'STALE_EPOCH' || stale >= 20) throw err;
          prepared = await api.send(conversationId, content, { ...request, settled: false });
        }
      }
      const [sent] = await api.record([{ dto, content, quote: prepared.quote }]);
      if (!sent) throw new ParleyError('BAD_RESPONSE', 'The stored message was not kept.');
      return sent;
    },
    sent: (dto, content) => api.sent(dto, content),
    updated: (dto) => api.updated(dto),
    page: (conversationId, dtos) => api.historyPage(conversationId, dtos),
    locate: async (messageId) => {
      const at = await api.located(messageId);
      if (!at) return undefined;
      return { ...at, sender: (await api.storedText(at.conversationId, at.seq))?.sender };
    },
  };
}
