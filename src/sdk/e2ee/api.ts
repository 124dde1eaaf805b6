/**
 * The seam between the client and its end-to-end layer, so the layer can run in this thread (Node, tests) or in a
 * Web Worker (the browser: MLS work off the page's main thread). Everything crossing it is plain data and promises.
 */
import type { ConversationDto } from '../../protocol/conversations.js';
import type { WelcomeDto } from '../../protocol/e2e.js';
import type { MessageDto } from '../../protocol/messages.js';
import type { ClientEventName, ClientEventRequest, ClientEventResponse } from '../../protocol/realtime.js';
import type { Message, MessageQuote, SendPayload } from '../message-stream.js';
import type { Content, StoredText } from './content.js';
import type { IdentityChange, Verification } from './trust.js';
import type { RemoteSearch } from '../search/side.js';

/** Socket requests (the client's Realtime, or a proxy of it in a worker). */
export interface Requester {
  request<E extends ClientEventName>(event: E, payload: ClientEventRequest<E>): Promise<ClientEventResponse<E>>;
}

/** What the end-to-end layer needs from the client: requests, and the client's ordered message stream. */
export interface EngineHost extends Requester {
  /** Resolves once everything stored in the conversation so far has been fetched and decoded, in order. */
  settle(conversationId: string): Promise<void>;
  /** Sends with one idempotency key for every attempt (retried across reconnects); STALE_EPOCH rejects. */
  sendPayload(conversationId: string, payload: SendPayload): Promise<MessageDto>;
  /** An earlier message changed (an edit arrived). */
  onUpdate(message: Message): void;
  /** A contact's identity key is not the one this device knew. */
  onIdentityChanged(change: IdentityChange): void;
  /** A member shared a (new) profile key with this device. */
  onProfileKey?(username: string): void;
}

export interface GroupView {
  epoch: number;
  /** The log position this device's state reflects. */
  seq: number;
  devices: { username: string; deviceId: string }[];
  /** Equal on every device at the same epoch: a different value means a forked group. */
  authenticator: string;
}

/** One message of the client's outbox to send: its idempotency key, and its files' blob ids. */
export interface SendRequest {
  clientKey: string;
  blobIds?: string[];
  /** The caller has just settled the conversation (see `encrypt`). */
  settled?: boolean;
  /** Earlier sends the server stored, kept first (in the browser they ride with this call: see deferred-records.ts). */
  recorded?: SentRecord[];
}

/** The send's one answer: the payload to put on the wire, and what a reply quotes of its target. */
export interface Prepared {
  payload: SendPayload;
  quote: MessageQuote | null;
}

/** A send the server stored (its entry as stored, and what it said), to keep for history and the vault. */
export interface SentRecord {
  dto: MessageDto;
  content: Content;
  /** A reply's quote as the send's answer gave it (the message is then shown without asking the layer again). */
  quote?: MessageQuote | null;
}

/** A message sent and kept: as it now reads, as the server stored it, and whether this device's log position is past it. */
export interface Sent {
  message: Message;
  dto: MessageDto;
  /** True: the server's echo of it needs no decoding here (the layer already counts it as read). */
  positioned: boolean;
}

/** The end-to-end layer as the client uses it (see engine.ts for what each does). */
export interface E2eeApi {
  /** `recorded`: earlier sends to keep first (see SendRequest). */
  decode(dto: MessageDto, recorded?: SentRecord[]): Promise<Message | undefined>;
  /** `settled`: the caller has just settled the conversation (the layer then does not call back to settle it first). */
  encrypt(conversationId: string, content: Content, options?: { settled?: boolean }): Promise<SendPayload>;
  sent(dto: MessageDto, content: Content): Promise<Message>;
  /** A send's one call: the payload for the current epoch (the caller transmits it; again after STALE_EPOCH). */
  send(conversationId: string, content: Content, request: SendRequest): Promise<Prepared>;
  /** Sends the server stored, kept for history and the vault (and counted as read when next in the log). */
  record(records: SentRecord[]): Promise<Sent[]>;
  historyPage(conversationId: string, page: MessageDto[]): Promise<Message[]>;
  updated(dto: MessageDto): Promise<Message | undefined>;
  located(messageId: string): Promise<{ conversationId: string; seq: number } | undefined>;
  storedText(conversationId: string, seq: number): Promise<StoredText | undefined>;
  conversationSeen(conversation: ConversationDto): Promise<void>;
  conversationRemoved(conversationId: string): Promise<void>;
  welcomed(welcome: WelcomeDto): Promise<void>;
  reconcile(conversationId: string): Promise<void>;
  updateKeys(conversationId: string): Promise<void>;
  state(conversationId: string): Promise<GroupView | undefined>;
  passwordChanged(oldVaultKey: Uint8Array, newVaultKey: Uint8Array): Promise<void>;
  rotateVault(): Promise<void>;
  verification(username: string): Promise<Verification>;
  setVerified(username: string, verified: boolean): Promise<Verification>;
  /** The newest profile key `username` shared with this device (base64url; a `profile-key` entry), or undefined. */
  profileKeyOf(username: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface OpenOptions {
  username: string;
  /** Derived at sign-up/log-in; undefined after a reload, when only a stored device can be used. */
  vaultKey: Uint8Array | undefined;
}

/** Opens the layer for a signed-in user: this thread (default) or a Web Worker (the web app). */
export type OpenE2ee = (host: EngineHost, options: OpenOptions) => Promise<{ api: E2eeApi; deviceId: string; search?: RemoteSearch }>;
/** `search`: the layer brings its own search index (in the browser: inside its worker); the client then uses it. */
