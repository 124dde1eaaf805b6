/**
 * How a command gets a client: the server (--server, PARLEY_SERVER, the signed-in profile, or localhost:5000), the
 * saved session, and — for commands that read or write messages — this device's sealed state, opened with the
 * password. Commands on the session alone (contacts, chats, devices, whoami, logout) never ask for it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ParleyClient, ParleyError, type SecretStore } from '../sdk/index.js';
import { CliError, EXIT } from './exit-codes.js';
import { askPassword, type PasswordSource } from './prompt.js';
import { FileStore } from './state/file-store.js';
import { parleyHome } from './state/paths.js';
import { ProfileFile, type Profile } from './state/profile.js';
import { openStoreKey } from './state/store-key.js';
import { lockDevice } from './state/device-lock.js';

export const DEFAULT_SERVER = 'http://localhost:5000';

export interface GlobalOptions {
  server?: string;
}

/** A store whose file is opened after the client exists (log-in needs the client; the store needs the password). */
class LateStore implements SecretStore {
  target: FileStore | undefined;
  private get store(): FileStore {
    if (!this.target) throw new ParleyError('NOT_CONNECTED', 'The device state is not open.');
    return this.target;
  }
  get(key: string) {
    return this.store.get(key);
  }
  write(entries: ReadonlyMap<string, Uint8Array | undefined>) {
    return this.store.write(entries);
  }
}

export interface Opened {
  client: ParleyClient;
  profile: Profile;
  /** Closes the connection once the device's state and search index are on disk. */
  close(): Promise<void>;
}

export class CliContext {
  readonly profiles: ProfileFile;

  constructor(readonly global: GlobalOptions) {
    this.profiles = new ProfileFile(parleyHome());
  }

  /** The server: --server, else PARLEY_SERVER, else the signed-in account's, else localhost:5000. */
  server(profile?: Profile): string {
    const url = this.global.server ?? process.env.PARLEY_SERVER ?? profile?.server ?? DEFAULT_SERVER;
    try {
      return new URL(url).toString().replace(/\/$/, '');
    } catch {
      throw new CliError(EXIT.USAGE, `Not a server address: ${url}`);
    }
  }

  private signedInProfile(): Profile {
    const profile = this.profiles.load();
    if (!profile?.session) throw new CliError(EXIT.AUTH, 'Not signed in: run `parley login` (or `parley signup`).');
    const server = this.server(profile);
    if (server !== profile.server) throw new CliError(EXIT.AUTH, `Signed in on ${profile.server}, not ${server}: run \`parley login\`.`);
    return profile;
  }

  private client(server: string, token: string | undefined, extra: Partial<ConstructorParameters<typeof ParleyClient>[0]>, onToken: (t: string | undefined) => void) {
    return new ParleyClient({ baseUrl: server, session: { token, onChange: onToken }, ...extra });
  }

  /**
   * Signs up or logs in, then opens (or makes) this device: its state sealed under the password in the account's
   * directory. A local state that the password no longer opens (it was changed on another device) is set aside and
   * this terminal becomes a new device.
   */
  async signIn(kind: 'signup' | 'login', username: string, password: string): Promise<Opened> {
    const server = this.server();
    const store = new LateStore();
    let token: string | undefined;
    const client = this.client(server, undefined, { secretStore: store }, (t) => (token = t));
    const user = kind === 'signup' ? await client.signup(username, password) : await client.login(username, password);
    const profile: Profile = { server, username: user.username, session: token };
    this.profiles.save(profile);
    const dir = this.profiles.accountDir(server, user.username);
    const release = lockDevice(dir);
    const fresh = kind === 'signup';
    let key: CryptoKey;
    try {
      key = await openStoreKey(dir, user.username, password, { reset: fresh });
    } catch (err) {
      if (!(err instanceof ParleyError && err.code === 'INVALID_CREDENTIALS')) throw err;
      key = await openStoreKey(dir, user.username, password, { reset: true });
      setAside(dir);
    }
    if (fresh) setAside(dir);
    store.target = await FileStore.open(dir, user.username, key);
    const opened = await this.connected(client, profile, store.target, release);
    const deviceId = client.encryption.deviceId();
    if (deviceId) {
      opened.profile.deviceId = deviceId;
      this.profiles.save({ ...(this.profiles.load() ?? profile), deviceId });
    }
    return opened;
  }

  /** A signed-in client on the saved session, without this device's encrypted state (no password needed). */
  async sessionOnly(): Promise<Opened> {
    const profile = this.signedInProfile();
    const client = this.client(profile.server, profile.session, { encryption: 'none' }, (t) => this.sessionChanged(profile, t));
    return this.connected(client, profile, undefined);
  }

  /** A signed-in client with this device's state, opened with the password (typed, or from stdin). */
  async withDevice(source: PasswordSource): Promise<Opened> {
    const profile = this.signedInProfile();
    const dir = this.profiles.accountDir(profile.server, profile.username);
    if (!fs.existsSync(path.join(dir, 'store-key.json'))) {
      throw new CliError(EXIT.AUTH, 'This device has no keys for the account: run `parley login` first.');
    }
    const password = await askPassword(source);
    const release = lockDevice(dir);
    const key = await openStoreKey(dir, profile.username, password);
    const store = await FileStore.open(dir, profile.username, key);
    const client = this.client(profile.server, profile.session, { secretStore: store }, (t) => this.sessionChanged(profile, t));
    return this.connected(client, profile, store, release);
  }

  private sessionChanged(profile: Profile, token: string | undefined): void {
    const { session: _old, ...rest } = this.profiles.load() ?? profile;
    this.profiles.save(token ? { ...rest, session: token } : rest);
  }

  private async connected(client: ParleyClient, profile: Profile, store: FileStore | undefined, release: () => void = () => undefined): Promise<Opened> {
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (err) {
      if (err instanceof ParleyError && err.code === 'UNAUTHENTICATED') {
        const alive = await client.me().then(
          () => true,
          () => false,
        );
        client.close();
        if (alive) throw new CliError(EXIT.AUTH, 'This device has no keys for the account: run `parley login`.');
        this.sessionChanged(profile, undefined);
        throw new CliError(EXIT.AUTH, 'The session has ended: run `parley login`.');
      }
      client.close();
      throw err;
    }
    return {
      client,
      profile,
      close: async () => {
        await client.searchIndex.flush().catch(() => undefined);
        client.close();
        await store?.flushed();
        release();
      },
    };
  }
}

/** Moves an old state file out of the way (kept, renamed, in case it is wanted; never read again). */
function setAside(dir: string): void {
  const file = path.join(dir, 'store.sealed');
  if (fs.existsSync(file)) fs.renameSync(file, `${file}.old-${Date.now()}`);
}
