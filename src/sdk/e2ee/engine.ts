/**
 * End-to-end encryption for a signed-in client: every conversation is an MLS group of its members' devices.
 * - Incoming log entries are decoded in order (incoming.ts); history is read from the store and the vault here.
 * - Outgoing content is encrypted for the current epoch and handed back to be transmitted (outgoing.ts); what the
 *   server stored is kept afterwards (`record`). STALE_EPOCH means: prepare again.
 * - A device without a group joins by Welcome (if one waits for it) or by external commit; the first sender in a
 *   conversation with no group creates it. Membership (reconcile.ts) follows the server's member list.
 */
import type { WelcomeDto } from '../../protocol/e2e.js';
import { MLS_COMMIT } from '../../protocol/e2e.js';
import type { ConversationDto } from '../../protocol/conversations.js';
import type { MessageDto } from '../../protocol/messages.js';
import { ParleyError } from '../errors.js';
import { bytesToBase64Url } from '../encoding.js';
import { toMessage, type Message, type MessageQuote, type SendPayload } from '../message-stream.js';
import type { MlsDevice } from '../crypto/index.js';
import type { E2eeApi, EngineHost, GroupView, OpenE2ee, OpenOptions, Prepared, SendRequest, Sent, SentRecord } from './api.js';
import { createDevice, loadIdentity, restoreDevice, rewrapIdentity } from './account.js';
import type { Content, StoredText } from './content.js';
import { ServerDirectory } from './directory.js';
import { isMls, orNone, type EngineParts } from './engine-parts.js';
import { GroupStore, type Group } from './groups.js';
import { Incoming } from './incoming.js';
import { Joining } from './joining.js';
import { NamedLocks } from './lock.js';
import { Outgoing } from './outgoing.js';
import { loadProfileKey } from './profile-keys.js';
import { fillFromVault, unreadReason } from './reading.js';
import { Membership } from './reconcile.js';
import { recordErased } from './recording.js';
import type { SecretStore } from './store.js';
import { Trust, type Verification } from './trust.js';
import { Vault } from './vault.js';
import { Verifier } from './verification.js';
import { quoteFrom, shownMessage, storedMessage } from './views.js';

export { UNDECRYPTABLE } from './views.js';
export { MAX_ENCRYPTED_CONTENT_BYTES } from './outgoing.js';
export type { GroupView } from './api.js';

export class E2ee implements E2eeApi, EngineParts {
  readonly groups: GroupStore;
  readonly locks: NamedLocks;
  readonly index = new Map<string, { conversationId: string; seq: number }>();
  readonly membership: Membership;
  readonly joining: Joining;
  private readonly verifier: Verifier;
  private readonly incoming: Incoming;
  private readonly outgoing: Outgoing;
  private closed = false;

  private constructor(
    readonly rt: EngineHost,
    readonly store: SecretStore,
    readonly username: string,
    readonly device: MlsDevice,
    readonly directory: ServerDirectory,
    readonly vault: Vault,
  ) {
    this.locks = new NamedLocks(`parley-mls/${username}/${device.name.deviceId}`);
    this.groups = new GroupStore(store, username, () => this.device);
    this.membership = new Membership(rt, directory, username, device.name.deviceId);
    this.joining = new Joining(rt, store, device, this.groups, this.membership);
    const trust = new Trust(store, username, (change) => rt.onIdentityChanged(change));
    directory.onIdentity = (user, key) => void trust.seen(user, key).catch(() => undefined);
    this.verifier = new Verifier(directory, trust, username);
    this.incoming = new Incoming(this);
    this.outgoing = new Outgoing(this);
  }

  /**
   * This client's device, restored from the store; or a new one, certified by the identity key (opened with the
   * vaultKey, or made the first time). Without the vaultKey (a reload) only a stored device will do.
   */
  static async open(rt: EngineHost, store: SecretStore, { vaultKey, username }: OpenOptions): Promise<E2ee> {
    const directory = new ServerDirectory(rt, username);
    const restored = await restoreDevice(rt, store, username, directory);
    if (restored) {
      const e2ee = new E2ee(rt, store, username, restored, directory, await Vault.open(rt, store, username, vaultKey));
      void e2ee.joining.topUp().catch(() => undefined);
      return e2ee;
    }
    if (!vaultKey) throw new ParleyError('UNAUTHENTICATED', 'Log in with your password to set up encryption on this device.');
    const identity = await loadIdentity(rt, vaultKey, username);
    const device = await createDevice(rt, store, identity, username, directory);
    return new E2ee(rt, store, username, device, directory, await Vault.open(rt, store, username, vaultKey));
  }

  get deviceId(): string {
    return this.device.name.deviceId;
  }

  /** Opens the layer in this thread (Node, tests; the browser uses a Web Worker: src/web/e2ee-worker.ts). */
  static inThread(store: SecretStore): OpenE2ee {
    return async (host, options) => {
      const e2ee = await E2ee.open(host, store, options);
      return { api: e2ee, deviceId: e2ee.deviceId };
    };
  }

  /** Wraps the identity key under the new password's vaultKey (it was wrapped under the old one). */
  async passwordChanged(oldVaultKey: Uint8Array, newVaultKey: Uint8Array): Promise<void> {
    const identity = await loadIdentity(this.rt, oldVaultKey, this.username);
    await rewrapIdentity(this.rt, identity, newVaultKey, this.username);
    if (this.vault.ready) await this.vault.rewrap(newVaultKey);
  }

  // ---- incoming ----

  /** Decodes one log entry, in log order (the engine's ordered log calls this one at a time per conversation). */
  async decode(dto: MessageDto, recorded?: SentRecord[]): Promise<Message | undefined> {
    if (recorded?.length) await this.outgoing.record(recorded);
    if (!isMls(dto.contentType)) return toMessage(dto);
    return this.locks.run(dto.conversationId, () => this.incoming.decodeLocked(dto));
  }

  async shown(dto: MessageDto, value: StoredText): Promise<Message> {
    this.index.set(dto.id, { conversationId: dto.conversationId, seq: dto.seq });
    return shownMessage(dto, value, await this.quote(dto.conversationId, value));
  }

  async rebuilt(conversationId: string, seq: number, value: StoredText): Promise<Message> {
    return storedMessage(conversationId, seq, value, await this.quote(conversationId, value));
  }

  /** What a reply quotes of its target, resolved from this device's store (the server is never asked). */
  private async quote(conversationId: string, value: StoredText): Promise<MessageQuote | null> {
    if (!value.replyTo) return null;
    return quoteFrom(value.replyTo.seq, await this.groups.text(conversationId, value.replyTo.seq), value.replyTo.id);
  }

  /** A stored message as history shows it: the text this device read or sent, or why it has none. */
  async fromHistory(dto: MessageDto): Promise<Message | undefined> {
    if (!isMls(dto.contentType)) return toMessage(dto);
    if (dto.contentType === MLS_COMMIT) return undefined;
    let stored = await this.groups.text(dto.conversationId, dto.seq);
    if (stored?.editOf !== undefined || stored?.reactionOf !== undefined || stored?.profileKey !== undefined) return undefined;
    // Deleted or expired while this device was away: its text goes from here too (and from the vault's copy).
    if (dto.deleted && stored?.text !== undefined) {
      await recordErased(this.groups, this.vault, dto);
      stored = await this.groups.text(dto.conversationId, dto.seq);
    }
    this.index.set(dto.id, { conversationId: dto.conversationId, seq: dto.seq });
    // No text and no reason here (nothing stored, or only an edit waiting for its target): this device never read it.
    const read = stored?.text !== undefined || stored?.error !== undefined;
    return this.shown(dto, read && stored ? stored : { error: await unreadReason(this.groups, dto) });
  }

  /** A page of history, read under the conversation's lock (so a message being decoded right now shows as read). */
  async historyPage(conversationId: string, page: MessageDto[]): Promise<Message[]> {
    const newest = page.at(-1)?.seq ?? 0;
    const messages = await this.locks.run(conversationId, async () => {
      const group = (await this.usable(conversationId)) ?? (await orNone(this.joining.joinByWelcome(conversationId)));
      if (group && newest > group.seq) await this.incoming.catchUp(group, newest);
      await fillFromVault(this.groups, this.vault, conversationId, page);
      return Promise.all(page.map((m) => this.fromHistory(m)));
    });
    return messages.filter((m): m is Message => m !== undefined);
  }

  /** An edit or delete the server announced: a deleted message's text is erased from this device too. */
  async updated(dto: MessageDto): Promise<Message | undefined> {
    if (!isMls(dto.contentType)) return toMessage(dto);
    if (dto.deleted) await recordErased(this.groups, this.vault, dto);
    return this.fromHistory(dto);
  }

  /** Where a message this device has shown lives (to edit it), or undefined. */
  located(messageId: string): Promise<{ conversationId: string; seq: number } | undefined> {
    return Promise.resolve(this.index.get(messageId));
  }

  async storedText(conversationId: string, seq: number): Promise<StoredText | undefined> {
    return this.groups.text(conversationId, seq);
  }

  verification(username: string): Promise<Verification> {
    return this.verifier.verification(username);
  }

  setVerified(username: string, verified: boolean): Promise<Verification> {
    return this.verifier.setVerified(username, verified);
  }

  /** The newest profile key `username` shared with this device (base64url), or undefined. */
  profileKeyOf(username: string): Promise<string | undefined> {
    return loadProfileKey(this.store, this.username, username);
  }

  // ---- outgoing (outgoing.ts) ----

  encrypt(conversationId: string, content: Content, options: { settled?: boolean } = {}): Promise<SendPayload> {
    return this.outgoing.encrypt(conversationId, content, options);
  }

  /** A send's one call: the payload to transmit (see outgoing.ts). */
  send(conversationId: string, content: Content, request: SendRequest): Promise<Prepared> {
    return this.outgoing.prepare(conversationId, content, request);
  }

  record(records: SentRecord[]): Promise<Sent[]> {
    return this.outgoing.record(records);
  }

  sent(dto: MessageDto, content: Content): Promise<Message> {
    return this.outgoing.sent(dto, content);
  }

  updateKeys(conversationId: string): Promise<void> {
    return this.outgoing.updateKeys(conversationId);
  }

  /** This device's view of a conversation's group: epoch, devices, and the epoch authenticator (equal for all). */
  async state(conversationId: string): Promise<GroupView | undefined> {
    await this.rt.settle(conversationId);
    return this.locks.run(conversationId, async () => {
      const group = await this.usable(conversationId);
      if (!group) return undefined;
      return {
        epoch: Number(group.conversation.epoch),
        seq: group.seq,
        devices: group.conversation.members().map(({ username, deviceId }) => ({ username, deviceId })),
        authenticator: bytesToBase64Url(group.conversation.epochAuthenticator()),
      };
    });
  }

  // ---- the vault ----

  /** A new vault key for what comes next (after one of the user's devices was removed). */
  rotateVault(): Promise<void> {
    return this.vault.rotate();
  }

  /** Resolves once every copy this device queued for the vault is uploaded (or given up). */
  vaultSettled(): Promise<void> {
    return this.vault.settled();
  }

  /** Uploads what waits for the vault, and stops. */
  async close(): Promise<void> {
    this.closed = true;
    const flushed = this.vault.flush().catch(() => undefined);
    this.directory.stop();
    await flushed;
  }

  // ---- membership ----

  /**
   * A conversation we are a member of: if its group has members that changed, reconcile; if this device is not in
   * its group yet (a new device, or newly added), join now (Welcome or external commit), so that it reads what
   * comes next at once.
   */
  conversationSeen(conversation: ConversationDto): Promise<void> {
    const changed = this.membership.remember(conversation);
    if (changed && this.groups.cached(conversation.id)) void this.reconcile(conversation.id).catch(() => undefined);
    if (this.groups.cached(conversation.id)) return Promise.resolve();
    void this.locks
      .run(conversation.id, async () => {
        if (!(await this.usable(conversation.id))) await this.joining.join(conversation.id, false);
      })
      .catch(() => undefined);
    return Promise.resolve();
  }

  async conversationRemoved(conversationId: string): Promise<void> {
    await this.locks.run(conversationId, () => this.groups.drop(conversationId));
  }

  /** Commits adds and removes until the group's devices match the members' (bounded retries on lost races). */
  reconcile(conversationId: string): Promise<void> {
    return this.outgoing.reconcile(conversationId, () => this.closed);
  }

  /** A Welcome for this device: join now unless the group is already here. */
  welcomed(welcome: WelcomeDto): Promise<void> {
    return this.incoming.welcomed(welcome, this.deviceId);
  }

  async usable(conversationId: string): Promise<Group | undefined> {
    const group = await this.groups.load(conversationId);
    return group?.conversation.active ? group : undefined;
  }
}
