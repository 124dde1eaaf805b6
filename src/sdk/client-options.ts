/** What a ParleyClient is made with, and the events it emits. */
import type { KdfParams } from '../protocol/auth.js';
import type { ContactDto, PresenceEvent } from '../protocol/contacts.js';
import type { ConversationDto, TypingEvent } from '../protocol/conversations.js';
import type { ReadEvent } from '../protocol/messages.js';
import type { OpenE2ee } from './e2ee/api.js';
import type { SecretStore } from './e2ee/store.js';
import type { IdentityChange } from './e2ee/trust.js';
import type { SessionPersistence } from './http.js';
import type { DeriveMaster } from './kdf.js';
import type { Message } from './message-stream.js';
import type { ProfileChangedEvent } from '../protocol/profiles.js';
import type { PrivacySettings } from './privacy.js';

export interface ParleyClientOptions {
  /** The server, e.g. http://localhost:5000. */
  baseUrl: string;
  /** Argon2id runner; the web UI passes one that runs in a Web Worker. */
  deriveMaster?: DeriveMaster;
  /** KDF parameters for new passwords (default: 64 MiB, t=3, p=1). Lower only against a test server. */
  kdf?: KdfParams;
  /** The weakest parameters this client accepts from the server at log-in (default: DEFAULT_KDF). */
  minKdf?: Omit<KdfParams, 'algorithm'>;
  fetch?: typeof fetch;
  /**
   * 'mls' (the default): every conversation is end-to-end encrypted; the server stores and relays ciphertext only.
   * 'none' sends plain text the server can read — for tools and load tests, never for people.
   */
  encryption?: 'mls' | 'none';
  /** Where this device's keys, MLS state and read messages are kept (default: memory, i.e. a new device per run). */
  secretStore?: SecretStore;
  /** Where the end-to-end layer runs (default: this thread, with `secretStore`); the web app passes a Web Worker. */
  openE2ee?: OpenE2ee;
  /** Where the local search index is kept, sealed (default: `secretStore`, else memory). */
  searchStore?: SecretStore;
  /** Node only: resume a saved session (`token`) and hear of a new or ended one (`onChange`), e.g. to keep it in a file. */
  session?: SessionPersistence;
}

export type ClientEvents = {
  /** A new message, exactly once and in order per conversation (live or caught up after a reconnect). */
  message: (message: Message) => void;
  /** A message was edited or deleted (a tombstone). */
  messageUpdated: (message: Message) => void;
  /** A contact request, acceptance or removal, as this user now sees that user. */
  contact: (contact: ContactDto) => void;
  presence: (presence: PresenceEvent) => void;
  /** A conversation appeared or changed (members, roles, name). */
  conversation: (conversation: ConversationDto) => void;
  /** This user is no longer a member of the conversation. */
  conversationRemoved: (conversationId: string) => void;
  typing: (typing: TypingEvent) => void;
  read: (receipt: ReadEvent) => void;
  /** The privacy settings changed on another of the user's devices. */
  privacy: (settings: PrivacySettings) => void;
  /** A profile this user may read (or their own) changed: `profile.get(username)` opens the new version. */
  profile: (change: ProfileChangedEvent) => void;
  /** A member shared a (new) profile key with this device: their profile may now open. */
  profileKey: (username: string) => void;
  /** The session ended elsewhere (log-out, revocation, password change): the client is signed out. */
  signedOut: (reason: string) => void;
  connectionChange: (connected: boolean) => void;
  /** A contact's identity key is not the one this device knew: warn (strongly if it was verified). */
  identityChanged: (change: IdentityChange) => void;
  /** A background step (catch-up after a reconnect) failed. */
  error: (error: unknown) => void;
};
