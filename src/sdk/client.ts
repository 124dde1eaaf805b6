import {
  AuthResponse,
  MeResponse,
  OkResponse,
  PreloginResponse,
  SessionsResponse,
  type KdfParams,
  type MeResponse as Me,
  type SessionDto,
  type UserDto,
} from '../protocol/auth.js';
import type { ContactDto, PresenceEvent } from '../protocol/contacts.js';
import type { ConversationDto, TypingEvent } from '../protocol/conversations.js';
import type { ReadEvent } from '../protocol/messages.js';
import { serverEvents, type ServerEventName } from '../protocol/realtime.js';
import { RevokeOthersResponse } from '../protocol/account.js';
import { provePassword } from './account.js';
import { RecoveryApi, recoverWithKey } from './recovery.js';
import { exportHistory, type ExportProgress, type HistoryExport } from './export.js';
import { base64UrlToBytes, bytesToBase64Url } from './encoding.js';
import { Emitter } from './emitter.js';
import { ParleyError } from './errors.js';
import { HttpClient, type SessionPersistence } from './http.js';
import { Notifications } from './notifications.js';
import { ProfileApi } from './profile.js';
import { E2eeProfileKeys } from './profile-sharing.js';
import type { ProfileChangedEvent } from '../protocol/profiles.js';
import { DEFAULT_KDF, deriveKeys, kdfAtLeast, newSalt, type DeriveMaster } from './kdf.js';
import { assertStrongPassword } from './password-strength.js';
import type { Message, SendPayload } from './message-stream.js';
import { ConversationEngine } from './engine/conversation-engine.js';
import { e2eeCodec, plainCodec, type Codec } from './engine/codec.js';
import { Messages } from './messages.js';
import { Attachments } from './attachments.js';
import { Realtime, type ParleySocket } from './realtime.js';
import { Contacts, Conversations } from './social.js';
import type { E2eeApi, OpenE2ee } from './e2ee/api.js';
import type { IdentityChange, Verification } from './e2ee/trust.js';
import type { DeviceDto } from '../protocol/e2e.js';
import { E2ee } from './e2ee/engine.js';
import { MemoryStore, type SecretStore } from './e2ee/store.js';
import { LocalSearch, type SearchHit, type SearchOptions } from './search/index.js';
import type { OpenedE2ee } from './opened-e2ee.js';

export type { OpenedE2ee };

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
  /** The session ended elsewhere (log-out, revocation, password change): the client is signed out. */
  signedOut: (reason: string) => void;
  connectionChange: (connected: boolean) => void;
  /** A contact's identity key is not the one this device knew: warn (strongly if it was verified). */
  identityChanged: (change: IdentityChange) => void;
  /** A profile this user may read (or their own) changed: `profile.get(username)` opens the new version. */
  profile: (change: ProfileChangedEvent) => void;
  /** A member shared a (new) profile key with this device: their profile may now open. */
  profileKey: (username: string) => void;
  /** A background step (catch-up after a reconnect) failed. */
  error: (error: unknown) => void;
};

/** The Parley client: same code in the browser and in Node 20. */
export class ParleyClient extends Emitter<ClientEvents> {
  private readonly http: HttpClient;
  private readonly realtime: Realtime;
  /** The conversation engine: ordered log, outbox with local echoes, decryption and the state a UI renders. */
  readonly engine: ConversationEngine;
  readonly contacts: Contacts;
  readonly conversations: Conversations;
  readonly messages: Messages;
  /** Encrypted files: `download(message, index)`, `stream(message, index)` (sends upload them by themselves). */
  readonly attachments: Attachments;
  private readonly kdf: KdfParams;
  private readonly minKdf: Omit<KdfParams, 'algorithm'>;
  private readonly deriveMaster: DeriveMaster | undefined;
  private readonly encryptionMode: 'mls' | 'none';
  private readonly openE2ee: OpenE2ee;
  private e2ee: OpenedE2ee | undefined;
  /** Settles once connect() has opened (or failed to open) end-to-end encryption. */
  private e2eeReady: Promise<OpenedE2ee | undefined> = Promise.resolve(undefined);
  /** Derived from the password at sign-up/log-in; never sent anywhere. Used by end-to-end encryption. */
  private vaultKey: Uint8Array | undefined;
  /** The password's authKey since sign-up or log-in in this client (a recovery key can be made without asking again). */
  private authKey: string | undefined;
  /** Recovery keys: `create()` one (shown once), `status()`. See `recover()` for using one. */
  readonly recovery: RecoveryApi;
  user: UserDto | undefined;
  /** The device's local search index: backfill progress events, remove(), flush() (see docs/SDK.md, "Search"). */
  readonly searchIndex: LocalSearch;

  constructor(options: ParleyClientOptions) {
    super();
    this.http = new HttpClient(options.baseUrl, options.fetch, options.session);
    this.realtime = new Realtime(this.http);
    this.recovery = new RecoveryApi({
      http: this.http,
      username: async () => (this.user ?? (await this.me()).user).username,
      keys: async (password) => {
        if (password !== undefined) {
          return provePassword(this.http, (this.user ?? (await this.me()).user).username, password, this.minKdf, this.deriveMaster);
        }
        if (this.authKey && this.vaultKey) return { authKey: this.authKey, vaultKey: this.vaultKey };
        throw new ParleyError('UNAUTHENTICATED', 'Enter your password to make a recovery key.');
      },
    });
    this.attachments = new Attachments(this.http);
    this.engine = new ConversationEngine({
      files: this.attachments,
      transport: this.realtime,
      me: () => this.user?.username,
      codec: () => this.codec(),
      seen: (c) => void this.e2ee?.api.conversationSeen(c).catch((e: unknown) => this.emit('error', e)),
      encrypts: (options.encryption ?? 'mls') === 'mls',
    });
    this.engine.on('message', (m) => this.emit('message', m));
    this.engine.on('messageUpdated', (m) => this.emit('messageUpdated', m));
    this.engine.on('error', (e) => this.emit('error', e));
    this.contacts = new Contacts(this.realtime, (username) => this.profile.rotate(username));
    this.conversations = new Conversations(this.realtime, async (id) => {
      await this.e2ee?.api.reconcile(id);
    });
    this.encryptionMode = options.encryption ?? 'mls';
    this.messages = new Messages(this.engine);
    this.openE2ee = options.openE2ee ?? E2ee.inThread(options.secretStore ?? new MemoryStore());
    this.kdf = options.kdf ?? DEFAULT_KDF;
    this.minKdf = options.minKdf ?? DEFAULT_KDF;
    this.deriveMaster = options.deriveMaster;
    this.searchIndex = new LocalSearch(options.searchStore ?? options.secretStore ?? new MemoryStore());
    this.on('message', (m) => this.searchIndex.put(m));
    this.on('messageUpdated', (m) => this.searchIndex.put(m));
  }

  /** Searches the messages this device can read, in its local index; nothing of the query leaves the device. */
  search(query: string, options?: SearchOptions): Promise<SearchHit[]> {
    return this.searchIndex.search(query, options);
  }

  /** True once sign-up or log-in has derived the vault key in this client. */
  get hasVaultKey(): boolean {
    return this.vaultKey !== undefined;
  }

  async signup(username: string, password: string): Promise<UserDto> {
    await assertStrongPassword(password, [username]);
    const salt = newSalt();
    const keys = await deriveKeys(password, salt, this.kdf, this.deriveMaster);
    if (this.user) this.forget();
    const res = await this.http.request('POST', '/api/auth/signup', AuthResponse, {
      username,
      salt: bytesToBase64Url(salt),
      kdf: this.kdf,
      authKey: keys.authKey,
    });
    this.vaultKey = keys.vaultKey;
    this.authKey = keys.authKey;
    this.user = res.user;
    return res.user;
  }

  async login(username: string, password: string): Promise<UserDto> {
    const pre = await this.http.request('POST', '/api/auth/prelogin', PreloginResponse, { username });
    if (!kdfAtLeast(pre.kdf, this.minKdf)) {
      throw new ParleyError('KDF_REFUSED', 'The server asked for weaker password hashing than this client accepts.');
    }
    const keys = await deriveKeys(password, base64UrlToBytes(pre.salt), pre.kdf, this.deriveMaster);
    // The server ends this client's previous session when the new one starts: let go of it first, so its
    // `session:revoked` cannot sign out the new one.
    if (this.user) this.forget();
    const res = await this.http.request('POST', '/api/auth/login', AuthResponse, { username, authKey: keys.authKey });
    this.vaultKey = keys.vaultKey;
    this.authKey = keys.authKey;
    this.user = res.user;
    return res.user;
  }

  async logout(): Promise<void> {
    try {
      await this.http.request('POST', '/api/auth/logout', OkResponse, {});
    } finally {
      const erased = this.searchIndex.erase();
      this.forget();
      await erased;
    }
  }

  me(): Promise<Me> {
    return this.http.request('GET', '/api/auth/me', MeResponse);
  }

  /** Needs the current password; every other session of the user is signed out. */
  async changePassword(oldPassword: string, newPassword: string): Promise<void> {
    const me = await this.me();
    await assertStrongPassword(newPassword, [me.user.username]);
    const pre = await this.http.request('POST', '/api/auth/prelogin', PreloginResponse, { username: me.user.username });
    const current = await deriveKeys(oldPassword, base64UrlToBytes(pre.salt), pre.kdf, this.deriveMaster);
    const salt = newSalt();
    const next = await deriveKeys(newPassword, salt, this.kdf, this.deriveMaster);
    await this.http.request('POST', '/api/auth/password', OkResponse, {
      currentAuthKey: current.authKey,
      newSalt: bytesToBase64Url(salt),
      newKdf: this.kdf,
      newAuthKey: next.authKey,
    });
    this.vaultKey = next.vaultKey;
    this.authKey = next.authKey;
    await this.e2ee?.api.passwordChanged(current.vaultKey, next.vaultKey);
    await this.recovery.passwordChanged(me.user.username, current.vaultKey, next).catch((e: unknown) => this.emit('error', e));
  }

  /**
   * A forgotten password: sets `newPassword` with the recovery key, signs in with it (every other session ends),
   * connects, and re-wraps the vault and identity keys (and the recovery key's escrow) under the new password, so the
   * whole history stays readable. Wrong keys answer `INVALID_CREDENTIALS` and are throttled like log-ins.
   */
  async recover(username: string, recoveryKey: string, newPassword: string): Promise<UserDto> {
    await assertStrongPassword(newPassword, [username]);
    const salt = newSalt();
    const next = await deriveKeys(newPassword, salt, this.kdf, this.deriveMaster);
    if (this.user) this.forget();
    const { user, oldVaultKey, reseal } = await recoverWithKey(this.http, { username, recoveryKey, salt: bytesToBase64Url(salt), kdf: this.kdf, next });
    this.user = user;
    this.vaultKey = oldVaultKey;
    this.authKey = next.authKey;
    await this.connect();
    await this.e2ee?.api.passwordChanged(oldVaultKey, next.vaultKey);
    this.vaultKey = next.vaultKey;
    oldVaultKey.fill(0);
    await reseal();
    return user;
  }

  /** The user's history as this device reads it, decrypted here, for a download (nothing is sent anywhere). */
  async exportHistory(onProgress?: (progress: ExportProgress) => void): Promise<HistoryExport> {
    const username = (this.user ?? (await this.me()).user).username;
    const page = (id: string, before: number | undefined) => this.messages.page(id, before === undefined ? { limit: 100 } : { before, limit: 100 });
    return exportHistory({ username, conversations: () => this.conversations.list(), page }, onProgress);
  }

  /** Per-conversation mute and "mentions only", Web Push subscriptions (see docs/SDK.md, "Notifications"). */
  /** Profiles only contacts can read: `set({ displayName?, avatar? })`, `get(username)` (see profile.ts). */
  readonly profile = new ProfileApi(() => this.http, () => this.user, new E2eeProfileKeys({
    e2ee: () => this.e2ee?.api,
    e2eeReady: () => this.e2eeReady,
    me: () => this.user?.username,
    conversations: () => this.conversations.list(),
    contacts: () => this.contacts.list(),
    sendPayload: (id, payload) => this.engine.sendPayload(id, payload),
  }));
  readonly notifications = new Notifications(() => this.http, (c) => this.engine.conversationChanged(c));

  readonly sessions = {
    list: async (): Promise<SessionDto[]> => (await this.http.request('GET', '/api/auth/sessions', SessionsResponse)).sessions,
    revoke: async (id: string): Promise<void> => {
      await this.http.request('DELETE', `/api/auth/sessions/${encodeURIComponent(id)}`, OkResponse, {});
    },
    /** Ends every other session of the user at once (their sockets are signed out); resolves with how many. */
    revokeOthers: async (): Promise<number> =>
      (await this.http.request('POST', '/api/auth/sessions/revoke-others', RevokeOthersResponse, {})).revoked,
  };

  /**
   * Deletes the account, after proving `password` as the log-in does (the server never sees it). Sessions, devices,
   * keys, vault, contacts and uploads go; messages become tombstones; the name stays reserved. Signs this client out.
   */
  async deleteAccount(password: string): Promise<void> {
    const username = (this.user ?? (await this.me()).user).username;
    const { authKey, vaultKey } = await provePassword(this.http, username, password, this.minKdf, this.deriveMaster);
    vaultKey.fill(0);
    await this.http.request('POST', '/api/account/delete', OkResponse, { authKey });
    const erased = this.searchIndex.erase();
    this.forget();
    await erased;
  }

  /**
   * Opens the realtime connection (after sign-up or log-in) and resolves once caught up. socket.io reconnects on its
   * own; after each reconnect the client fetches what it missed before delivering anything newer.
   */
  async connect(): Promise<void> {
    // The engine needs to know whose messages are "own" (after a reload only the session cookie is known). Asked
    // beside the connection, not before it: a page may call the socket as soon as connect() has begun.
    const me = this.user ? undefined : this.me();
    me?.catch(() => undefined);
    let opened: (e2ee: OpenedE2ee | undefined) => void = () => undefined;
    if (this.encryptionMode === 'mls' && !this.e2ee) this.e2eeReady = new Promise((resolve) => (opened = resolve));
    try {
      let first = true;
      await this.realtime.connect((socket) => {
        this.listen(socket);
        socket.on('ready', () => {
          if (first) return;
          this.engine.resync().catch((e: unknown) => this.emit('error', e));
        });
      });
      first = false;
      if (me) this.user ??= (await me).user;
      const user = this.user;
      if (this.encryptionMode === 'mls' && !this.e2ee && user) {
        const username = user.username;
        const host = {
          request: this.realtime.request.bind(this.realtime),
          settle: (id: string) => this.engine.settle(id),
          sendPayload: (id: string, payload: SendPayload) => this.engine.sendPayload(id, payload),
          onUpdate: (m: Message) => this.engine.changed(m),
          onIdentityChanged: (change: IdentityChange) => this.emit('identityChanged', change),
          onProfileKey: (username: string) => this.emit('profileKey', username),
        };
        const generation = this.generation;
        const { api, deviceId } = await this.openE2ee(host, { username, vaultKey: this.vaultKey });
        if (generation !== this.generation) {
          // Signed out (or closed) while it opened: it belongs to a session that is over.
          await api.close().catch(() => undefined);
          throw new ParleyError('NOT_CONNECTED', 'The client was closed while connecting.');
        }
        this.e2ee = { api, deviceId, username };
        this.engine.decoder = e2eeCodec(api);
      }
    } finally {
      // Anything that waited for the end-to-end layer (history, sends) goes on now, with it or without.
      opened(this.e2ee);
    }
    await this.engine.resync();
    const username = this.e2ee?.username ?? this.user?.username;
    const page = (id: string, before: number | undefined) => this.messages.page(id, before === undefined ? { limit: 100 } : { before, limit: 100 });
    if (username) this.searchIndex.open(username, { conversations: () => this.conversations.list(), page });
  }

  /** How the engine reads and writes entries: through the end-to-end layer once open (waiting for it), or plain. */
  private async codec(): Promise<Codec> {
    if (this.encryptionMode === 'none') return plainCodec;
    const opened = await this.e2eeReady;
    if (!opened || !this.engine.decoder) {
      throw new ParleyError('NOT_CONNECTED', 'End-to-end encryption is not set up in this client yet: connect (or log in again) first.');
    }
    return this.engine.decoder;
  }

  /** End-to-end encryption on this device (available once connected with encryption on). */
  readonly encryption = {
    /** This client's device id, or undefined before connect() or with encryption off. */
    deviceId: (): string | undefined => this.e2ee?.deviceId,
    /** This client's device id once connect() has set it up (waits while it opens). */
    currentDevice: async (): Promise<string | undefined> => (await this.e2eeReady)?.deviceId,
    /** Epoch, devices and epoch authenticator of a conversation's group as this device sees it. */
    state: async (conversationId: string) => (await this.requireE2ee()).state(conversationId),
    /** Commits fresh keys for the conversation (post-compromise security). */
    updateKeys: async (conversationId: string) => (await this.requireE2ee()).updateKeys(conversationId),
  };

  /** Devices: yours (removed ones too) or a contact's current ones; removing one of yours takes it out of every group. */
  readonly devices = {
    list: async (username?: string): Promise<DeviceDto[]> =>
      (await this.realtime.request('devices:list', username === undefined ? {} : { username })).devices,
    /**
     * Removes one of your devices: the server stops accepting it, your history vault gets a new key it never sees,
     * and it is committed out of every conversation's group before this resolves.
     */
    remove: async (deviceId: string): Promise<DeviceDto> => {
      const { device } = await this.realtime.request('devices:remove', { deviceId });
      const e2ee = this.e2ee?.api;
      if (e2ee) {
        await e2ee.rotateVault();
        for (const c of await this.conversations.list()) await e2ee.reconcile(c.id);
      }
      return device;
    },
  };

  /** Safety numbers: compare them with a contact (digits or QR code) to detect a directory that lies. */
  readonly verification = {
    /** The safety number with `username`, whether it is verified, and whether their key changed. */
    get: async (username: string): Promise<Verification> => (await this.requireE2ee()).verification(username),
    /** Mark the contact's current key as verified (after comparing safety numbers), or not. */
    setVerified: async (username: string, verified: boolean): Promise<Verification> =>
      (await this.requireE2ee()).setVerified(username, verified),
  };

  /** The end-to-end layer, once connect() has opened it (waiting for it while it opens). */
  private async requireE2ee(): Promise<E2eeApi> {
    const opened = await this.e2eeReady;
    if (!opened) throw new ParleyError('NOT_CONNECTED', 'Connect with encryption on first.');
    return opened.api;
  }

  private listen(socket: ParleySocket): void {
    // Every server event is parsed by its protocol schema; a malformed one is dropped and reported.
    const on = <E extends ServerEventName>(event: E, handle: (payload: ReturnType<(typeof serverEvents)[E]['parse']>) => void) => {
      (socket.on as (ev: string, fn: (p: unknown) => void) => void)(event, (payload) => {
        const parsed = serverEvents[event].safeParse(payload);
        if (parsed.success) handle(parsed.data as ReturnType<(typeof serverEvents)[E]['parse']>);
        else this.emit('error', new ParleyError('BAD_RESPONSE', `Malformed ${event} event.`));
      });
    };
    socket.on('connect', () => this.emit('connectionChange', true));
    socket.on('disconnect', () => this.emit('connectionChange', false));
    on('session:revoked', ({ reason }) => {
      this.forget();
      this.emit('signedOut', reason);
    });
    on('message', ({ message }) => this.engine.accept(message));
    // In order with the conversation's messages: an edit decoded just before must not be overtaken.
    on('message:updated', ({ message }) => this.engine.updated(message));
    on('contact', ({ contact }) => this.emit('contact', contact));
    on('presence', (p) => this.emit('presence', p));
    on('conversation', ({ conversation }) => {
      this.engine.conversationChanged(conversation);
      this.emit('conversation', conversation);
    });
    on('conversation:removed', ({ conversationId }) => {
      this.engine.conversationRemoved(conversationId);
      this.e2ee?.api.conversationRemoved(conversationId).catch((e: unknown) => this.emit('error', e));
      this.emit('conversationRemoved', conversationId);
    });
    on('welcome', ({ welcome }) => {
      this.e2ee?.api.welcomed(welcome).catch((e: unknown) => this.emit('error', e));
    });
    on('typing', (t) => this.emit('typing', t));
    on('profile', (p) => this.emit('profile', p));
    on('read', (r) => {
      if (r.username === this.user?.username) this.engine.readMoved(r.conversationId, r.seq);
      this.emit('read', r);
    });
  }

  get connected(): boolean {
    return this.realtime.connected;
  }

  /** Fetches anything missed right now (the client also does this after every reconnect). */
  sync(): Promise<void> {
    return this.engine.resync();
  }

  /** Asks the server who this connection is (a round trip over the socket). */
  whoami() {
    return this.realtime.request('whoami', {});
  }

  /** Closes the realtime connection; the session stays signed in. */
  close(): void {
    // The end-to-end layer stops too (its vault copies stay in the store for the next open); a later connect() opens
    // it again from the store, like a reload.
    this.generation++;
    const e2ee = this.e2ee;
    this.e2ee = undefined;
    this.e2eeReady = Promise.resolve(undefined);
    this.engine.decoder = undefined;
    void e2ee?.api.close().catch(() => undefined);
    void this.searchIndex.close();
    this.engine.close();
    this.realtime.close();
  }

  /** Bumped by every sign-out, so that work started before it does not outlive it. */
  private generation = 0;

  private forget(): void {
    this.generation++;
    this.searchIndex.erase().catch((e: unknown) => this.emit('error', e));
    void this.e2ee?.api.close().catch(() => undefined);
    this.e2ee = undefined;
    this.e2eeReady = Promise.resolve(undefined);
    this.engine.decoder = undefined;
    this.engine.close();
    this.realtime.close();
    this.vaultKey?.fill(0);
    this.vaultKey = undefined;
    this.authKey = undefined;
    this.user = undefined;
  }
}
