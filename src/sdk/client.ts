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
import { WhoamiResponse } from '../protocol/realtime.js';
import { base64UrlToBytes, bytesToBase64Url } from './encoding.js';
import { Emitter } from './emitter.js';
import { ParleyError } from './errors.js';
import { HttpClient } from './http.js';
import { DEFAULT_KDF, deriveKeys, kdfAtLeast, newSalt, type DeriveMaster } from './kdf.js';
import { assertStrongPassword } from './password-strength.js';
import { Realtime } from './realtime.js';

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
}

export type ClientEvents = {
  /** The session ended elsewhere (log-out, revocation, password change): the client is signed out. */
  signedOut: (reason: string) => void;
  connectionChange: (connected: boolean) => void;
};

/** The Parley client: same code in the browser and in Node 20. */
export class ParleyClient extends Emitter<ClientEvents> {
  private readonly http: HttpClient;
  private readonly realtime: Realtime;
  private readonly kdf: KdfParams;
  private readonly minKdf: Omit<KdfParams, 'algorithm'>;
  private readonly deriveMaster: DeriveMaster | undefined;
  /** Derived from the password at sign-up/log-in; never sent anywhere. Used by end-to-end encryption. */
  private vaultKey: Uint8Array | undefined;
  user: UserDto | undefined;

  constructor(options: ParleyClientOptions) {
    super();
    this.http = new HttpClient(options.baseUrl, options.fetch);
    this.realtime = new Realtime(this.http);
    this.kdf = options.kdf ?? DEFAULT_KDF;
    this.minKdf = options.minKdf ?? DEFAULT_KDF;
    this.deriveMaster = options.deriveMaster;
  }

  /** True once sign-up or log-in has derived the vault key in this client. */
  get hasVaultKey(): boolean {
    return this.vaultKey !== undefined;
  }

  async signup(username: string, password: string): Promise<UserDto> {
    await assertStrongPassword(password, [username]);
    const salt = newSalt();
    const keys = await deriveKeys(password, salt, this.kdf, this.deriveMaster);
    const res = await this.http.request('POST', '/api/auth/signup', AuthResponse, {
      username,
      salt: bytesToBase64Url(salt),
      kdf: this.kdf,
      authKey: keys.authKey,
    });
    this.vaultKey = keys.vaultKey;
    this.user = res.user;
    return res.user;
  }

  async login(username: string, password: string): Promise<UserDto> {
    const pre = await this.http.request('POST', '/api/auth/prelogin', PreloginResponse, { username });
    if (!kdfAtLeast(pre.kdf, this.minKdf)) {
      throw new ParleyError('KDF_REFUSED', 'The server asked for weaker password hashing than this client accepts.');
    }
    const keys = await deriveKeys(password, base64UrlToBytes(pre.salt), pre.kdf, this.deriveMaster);
    const res = await this.http.request('POST', '/api/auth/login', AuthResponse, { username, authKey: keys.authKey });
    this.vaultKey = keys.vaultKey;
    this.user = res.user;
    return res.user;
  }

  async logout(): Promise<void> {
    try {
      await this.http.request('POST', '/api/auth/logout', OkResponse, {});
    } finally {
      this.forget();
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
  }

  readonly sessions = {
    list: async (): Promise<SessionDto[]> => (await this.http.request('GET', '/api/auth/sessions', SessionsResponse)).sessions,
    revoke: async (id: string): Promise<void> => {
      await this.http.request('DELETE', `/api/auth/sessions/${encodeURIComponent(id)}`, OkResponse, {});
    },
  };

  /** Opens the realtime connection (after sign-up or log-in). */
  connect(): Promise<void> {
    return this.realtime.connect((socket) => {
      socket.on('connect', () => this.emit('connectionChange', true));
      socket.on('disconnect', () => this.emit('connectionChange', false));
      socket.on('session:revoked', ({ reason }) => {
        this.forget();
        this.emit('signedOut', reason);
      });
    });
  }

  get connected(): boolean {
    return this.realtime.socket?.connected ?? false;
  }

  /** Asks the server who this connection is (a round trip over the socket). */
  whoami() {
    return this.realtime.request('whoami', {}, WhoamiResponse);
  }

  close(): void {
    this.realtime.close();
  }

  private forget(): void {
    this.realtime.close();
    this.vaultKey?.fill(0);
    this.vaultKey = undefined;
    this.user = undefined;
  }
}
