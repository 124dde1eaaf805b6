/**
 * An end-to-end-encrypting test client over the real server, without the SDK's (later) MLS wiring: the SDK's
 * realtime requests for the new events, MlsDevice/MlsConversation from src/sdk/crypto on the client side, and a
 * DeviceDirectory that asks the server's directory.
 */
import { randomBytes } from 'node:crypto';
import { MLS_COMMIT, MLS_PRIVATE, type WelcomeDto } from '../../src/protocol/e2e.js';
import type { ClientEventName, ClientEventRequest, ClientEventResponse } from '../../src/protocol/realtime.js';
import type { MessageDto } from '../../src/protocol/messages.js';
import {
  MlsDevice,
  decodeDeviceCertificate,
  encodeDeviceCertificate,
  generateIdentityKeyPair,
  wrapIdentityKey,
  type DeviceCertificate,
  type DeviceDirectory,
  type IdentityKeyPair,
  type MlsConversation,
  type PendingCommit,
} from '../../src/sdk/crypto/index.js';
import { ParleyError, type ParleyClient } from '../../src/sdk/index.js';
import { realtimeOf } from './e2ee.js';
import type { TestServer } from './server.js';
import { signedIn } from './users.js';

export type Request = <E extends ClientEventName>(event: E, payload: ClientEventRequest<E>) => Promise<ClientEventResponse<E>>;
export type RawEmit = (event: string, payload: unknown) => Promise<unknown>;

export const request = (client: ParleyClient): Request => (event, payload) => realtimeOf(client).request(event, payload);
/** The raw acknowledgement, error bodies included (to compare answers exactly). */
export const rawEmit = (client: ParleyClient): RawEmit => (event, payload) => {
  const socket = realtimeOf(client).socket as unknown as { timeout(ms: number): { emitWithAck: RawEmit } };
  return socket.timeout(5_000).emitWithAck(event, payload);
};

export const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
export const fromB64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'));
export const newClientKey = () => randomBytes(12).toString('base64url');

/** The server's directory as the authentication service sees it; "not found" is "no such user/device". */
export class ServerDirectory implements DeviceDirectory {
  constructor(private readonly ask: Request) {}

  private async entry(username: string) {
    try {
      return await this.ask('directory:lookup', { username });
    } catch (err) {
      if (err instanceof ParleyError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    }
  }

  async identityKey(username: string): Promise<Uint8Array | undefined> {
    const entry = await this.entry(username);
    return entry && fromB64(entry.identity.identityKey);
  }

  async deviceCertificate(username: string, deviceId: string): Promise<DeviceCertificate | undefined> {
    const device = (await this.entry(username))?.devices.find((d) => d.deviceId === deviceId);
    return device && decodeDeviceCertificate(device.certificate);
  }
}

export interface E2eUser {
  username: string;
  client: ParleyClient;
  request: Request;
  raw: RawEmit;
  identity: IdentityKeyPair;
  vaultKey: Uint8Array;
  directory: ServerDirectory;
  /** Welcomes pushed to this user's sockets. */
  welcomes: WelcomeDto[];
}

/** Signs up, connects, and publishes an identity key (wrapped under a test vault key). */
export async function e2eUser(t: TestServer, username: string): Promise<E2eUser> {
  // These tests drive the MLS core by hand: the SDK's own encryption stays off.
  const client = await signedIn(t, username, { encryption: 'none' });
  const ask = request(client);
  const identity = generateIdentityKeyPair();
  const vaultKey = new Uint8Array(randomBytes(32));
  await ask('identity:publish', { identityKey: b64(identity.publicKey), wrappedKey: await wrapIdentityKey(identity, vaultKey, username) });
  const welcomes: WelcomeDto[] = [];
  realtimeOf(client).socket?.on('welcome', ({ welcome }) => welcomes.push(welcome));
  return { username, client, request: ask, raw: rawEmit(client), identity, vaultKey, directory: new ServerDirectory(ask), welcomes };
}

/** A new certified device, registered, with `oneTime` one-time KeyPackages and a last-resort one published. */
export async function addDevice(user: E2eUser, deviceId: string, oneTime = 2): Promise<MlsDevice> {
  const device = MlsDevice.create(user.identity, { username: user.username, deviceId }, { directory: user.directory });
  await user.request('devices:register', { deviceId, certificate: encodeDeviceCertificate(device.certificate) });
  const packages = await device.generateKeyPackages(oneTime);
  for (let i = 0; i < packages.length; i += 8) {
    await user.request('keyPackages:publish', {
      deviceId,
      keyPackages: packages.slice(i, i + 8).map((p) => ({ ref: b64(p.ref), body: p.keyPackage, lastResort: p.lastResort })),
    });
  }
  return device;
}

/** Sends a commit (with its GroupInfo and Welcome) through messages:send. */
export function sendCommit(user: E2eUser, conversationId: string, pending: PendingCommit | { commit: Uint8Array; groupInfo: Uint8Array }) {
  const welcome = 'welcome' in pending ? pending.welcome : undefined;
  return user.request('messages:send', {
    conversationId,
    clientKey: newClientKey(),
    contentType: MLS_COMMIT,
    body: pending.commit,
    groupInfo: pending.groupInfo,
    ...(welcome ? { welcome } : {}),
  });
}

/** One member's view of a conversation's log: its MLS state, how far it has read, and what it decrypted. */
export class LogReader {
  readonly texts: string[] = [];
  private readonly own = new Set<string>();

  constructor(
    readonly user: E2eUser,
    public conversation: MlsConversation,
    public seq: number,
  ) {}

  get id(): string {
    return this.conversation.conversationId;
  }

  /** Encrypts and sends an application message. */
  async say(text: string): Promise<MessageDto> {
    const body = await this.conversation.encrypt(text);
    const { message } = await this.user.request('messages:send', { conversationId: this.id, clientKey: newClientKey(), contentType: MLS_PRIVATE, body });
    this.own.add(message.id);
    return message;
  }

  /** Commits `pending` and, when the server accepts it, adopts it. */
  async commit(pending: PendingCommit): Promise<MessageDto> {
    const { message } = await sendCommit(this.user, this.id, pending);
    await this.conversation.confirmCommit();
    return message;
  }

  /** Processes every message after `seq`, in order: commits move the epoch, application messages are decrypted. */
  async catchUp(): Promise<void> {
    for (;;) {
      const page = await this.user.request('messages:after', { conversationId: this.id, after: this.seq, limit: 200 });
      for (const m of page.messages) {
        if (m.contentType === MLS_COMMIT) await this.conversation.processHandshake(m.body);
        else if (m.contentType === MLS_PRIVATE && !this.own.has(m.id) && !m.deleted) {
          this.texts.push((await this.conversation.decrypt(m.body)).text);
        }
        this.seq = m.seq;
      }
      if (!page.hasMore) return;
    }
  }
}
