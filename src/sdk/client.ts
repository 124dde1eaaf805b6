import { Privacy } from './privacy.js';
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
import { RevokeOthersResponse } from '../protocol/account.js';
import { provePassword } from './account.js';
import { RecoveryApi, recoverWithKey } from './recovery.js';
import { exportHistory, type ExportProgress, type HistoryExport } from './export.js';
import { base64UrlToBytes, bytesToBase64Url } from './encoding.js';
import { Emitter } from './emitter.js';
import { ParleyError } from './errors.js';
import { HttpClient } from './http.js';
import { Notifications } from './notifications.js';
import { ProfileApi } from './profile.js';
import { E2eeProfileKeys } from './profile-sharing.js';
import { DEFAULT_KDF, deriveKeys, kdfAtLeast, newSalt, type DeriveMaster } from './kdf.js';
import { assertStrongPassword } from './password-strength.js';
import { ConversationEngine } from './engine/conversation-engine.js';
import { e2eeCodec, plainCodec, type Codec } from './engine/codec.js';
import { Messages } from './messages.js';
import { Attachments } from './attachments.js';
import { Realtime } from './realtime.js';
import { listenToServer } from './client-events.js';
import { devicesFace, e2eeHost, encryptionFace, verificationFace, type E2eeAccess } from './client-e2ee.js';
import type { ClientEvents, ParleyClientOptions } from './client-options.js';
import { Contacts, Conversations } from './social.js';
import type { OpenE2ee } from './e2ee/api.js';
import { E2ee } from './e2ee/engine.js';
import { MemoryStore } from './e2ee/store.js';
import { DeviceSearch, LocalSearch, type SearchHit, type SearchOptions } from './search/index.js';
import type { OpenedE2ee } from './opened-e2ee.js';

export type { OpenedE2ee };
export type { ClientEvents, ParleyClientOptions } from './client-options.js';

/** The Parley client: same code in the browser and in Node 20. */
export class ParleyClient extends Emitter<ClientEvents> {
  private readonly http: HttpClient;
  private readonly realtime: Realtime;
  /** The conversation engine: ordered log, outbox with local echoes, decryption and the state a UI renders. */
  readonly engine: ConversationEngine;
  readonly contacts: Contacts;
  readonly conversations: Conversations;
  /** Devices: yours (removed ones too) or a contact's current ones; removing one of yours takes it out of every group. */
  readonly devices: ReturnType<typeof devicesFace>;
  /** Privacy switches: read receipts, typing indicators, the default disappearing timer (`get`, `set`). */
  readonly privacy: Privacy;
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
  readonly searchIndex: DeviceSearch;

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
    this.contacts = new Contacts(
      this.realtime,
      (username) => this.profile.rotate(username),
      (username) => void this.profileKeys.contactAdded(username).catch((e: unknown) => this.emit('error', e)),
    );
    // Who becomes a contact, or joins a group, later than the profile key was shared gets it then.
    this.on('contact', (c) => {
      if (c.state === 'accepted') void this.profileKeys.contactAdded(c.username).catch((e: unknown) => this.emit('error', e));
    });
    this.on('conversation', (c) => void this.profileKeys.membersChanged(c).catch((e: unknown) => this.emit('error', e)));
    this.privacy = new Privacy(this.realtime);
    this.conversations = new Conversations(
      this.realtime,
      async (id) => {
        await this.e2ee?.api.reconcile(id);
      },
      () => this.privacy.current?.typingIndicators !== false,
    );
    this.devices = devicesFace(this.e2eeAccess, this.realtime, this.conversations);
    this.encryptionMode = options.encryption ?? 'mls';
    this.messages = new Messages(this.engine);
    this.openE2ee = options.openE2ee ?? E2ee.inThread(options.secretStore ?? new MemoryStore());
    this.kdf = options.kdf ?? DEFAULT_KDF;
    this.minKdf = options.minKdf ?? DEFAULT_KDF;
    this.deriveMaster = options.deriveMaster;
    this.searchIndex = new DeviceSearch(new LocalSearch(options.searchStore ?? options.secretStore ?? new MemoryStore()));
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
  private readonly profileKeys = new E2eeProfileKeys({
    e2ee: () => this.e2ee?.api,
    e2eeReady: () => this.e2eeReady,
    me: () => this.user?.username,
    conversations: () => this.conversations.list(),
    contacts: () => this.contacts.list(),
    openDirect: (username) => this.conversations.openDirect(username),
    sendPayload: (id, payload) => this.engine.sendPayload(id, payload),
  });
  readonly profile = new ProfileApi(() => this.http, () => this.user, this.profileKeys);
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
        listenToServer(socket, {
          engine: this.engine,
          emit: (event, ...args) => this.emit(event, ...args),
          e2ee: () => this.e2ee?.api,
          username: () => this.user?.username,
          signOut: () => this.forget(),
          privacyTold: (settings) => this.privacy.told(settings),
        });
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
        const host = e2eeHost(
          this.realtime,
          this.engine,
          (change) => this.emit('identityChanged', change),
          (username) => this.emit('profileKey', username),
        );
        const generation = this.generation;
        const { api, deviceId, search } = await this.openE2ee(host, { username, vaultKey: this.vaultKey });
        if (generation !== this.generation) {
          // Signed out (or closed) while it opened: it belongs to a session that is over.
          await api.close().catch(() => undefined);
          throw new ParleyError('NOT_CONNECTED', 'The client was closed while connecting.');
        }
        this.e2ee = { api, deviceId, username };
        // The layer's own index (in the browser: in its worker, fed by what it decodes) replaces this thread's.
        if (search) this.searchIndex.attach(search);
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

  private readonly e2eeAccess: E2eeAccess = { current: () => this.e2ee, ready: () => this.e2eeReady };
  /** End-to-end encryption on this device (available once connected with encryption on). */
  readonly encryption = encryptionFace(this.e2eeAccess);
  /** Safety numbers: compare them with a contact (digits or QR code) to detect a directory that lies. */
  readonly verification = verificationFace(this.e2eeAccess);

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
