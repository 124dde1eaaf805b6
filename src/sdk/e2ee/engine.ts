/**
 * End-to-end encryption for a signed-in client: every conversation is an MLS group of its members' devices.
 * - Incoming log entries are decoded here, in order: commits move the group's epoch, application messages are
 *   decrypted once and their text kept in the store; anything that fails is reported as undecryptable, never as text.
 * - Outgoing text is encrypted for the current epoch; STALE_EPOCH means catch up and encrypt again.
 * - A device without a group joins by Welcome (if one waits for it) or by external commit; the first sender in a
 *   conversation with no group creates it. Membership (reconcile.ts) follows the server's member list.
 */
import { isMlsApplication, MLS_COMMIT, MLS_PRIVATE, MLS_SILENT, type WelcomeDto } from '../../protocol/e2e.js';
import type { ConversationDto } from '../../protocol/conversations.js';
import { MAX_BODY_BYTES, type MessageDto } from '../../protocol/messages.js';
import { ParleyError, errorCode as codeOf } from '../errors.js';
import { bytesToBase64Url } from '../encoding.js';
import { toMessage, type Message, type SendPayload } from '../message-stream.js';

export { UNDECRYPTABLE } from './views.js';
export type { GroupView } from './api.js';
import { isMlsCryptoError, type MlsDevice } from '../crypto/index.js';
import type { E2eeApi, EngineHost, GroupView, OpenE2ee, OpenOptions, SendRequest, Sent } from './api.js';
import { createDevice, loadIdentity, restoreDevice, rewrapIdentity } from './account.js';
import { Joining } from './joining.js';
import { encodeContent, type Content, type StoredText } from './content.js';
import { ContentError } from '../content/codec.js';
import { ServerDirectory } from './directory.js';
import { GroupStore, bodyHash, type Group } from './groups.js';
import { NamedLocks } from './lock.js';
import { Membership } from './reconcile.js';
import { Vault } from './vault.js';
import { applyEdit, applyReaction, fillFromVault, openBody, unreadReason } from './reading.js';
import { recordErased, recordSent } from './recording.js';
import { Trust, type Verification } from './trust.js';
import { Verifier } from './verification.js';
import { quoteFrom, shownMessage, storedMessage } from './views.js';
import type { MessageQuote } from '../message-stream.js';
import type { SecretStore } from './store.js';
import { loadProfileKey, saveProfileKey } from './profile-keys.js';

/** What fits in one encrypted message (its JSON content): the body limit less room for MLS framing and padding. */
export const MAX_ENCRYPTED_CONTENT_BYTES = MAX_BODY_BYTES - 1024;

const isMls = (contentType: string) => contentType === MLS_COMMIT || isMlsApplication(contentType);
/** A failure of a join that a later attempt may overcome (the server's answer, the network, the MLS step). */
const recoverable = (err: unknown) => codeOf(err) !== undefined || isMlsCryptoError(err);
/**
 * A join attempt on the read path: a refusal (say, this device was removed and the server no longer knows it) means
 * no group, and the entries show why; never a failure of the whole read.
 */
async function orNone<T>(attempt: Promise<T>): Promise<T | undefined> {
  try {
    return await attempt;
  } catch (err) {
    if (recoverable(err)) return undefined;
    throw err;
  }
}

export class E2ee implements E2eeApi {
  readonly groups: GroupStore;
  private readonly locks: NamedLocks;
  private readonly index = new Map<string, { conversationId: string; seq: number }>();
  private readonly membership: Membership;
  private readonly joining: Joining;
  private readonly verifier: Verifier;
  private closed = false;

  private constructor(
    private readonly rt: EngineHost,
    private readonly store: SecretStore,
    readonly username: string,
    readonly device: MlsDevice,
    readonly directory: ServerDirectory,
    private readonly vault: Vault,
  ) {
    this.locks = new NamedLocks(`parley-mls/${username}/${device.name.deviceId}`);
    this.groups = new GroupStore(store, username, () => this.device);
    this.membership = new Membership(rt, directory, username, device.name.deviceId);
    this.joining = new Joining(rt, store, device, this.groups, this.membership);
    const trust = new Trust(store, username, (change) => rt.onIdentityChanged(change));
    directory.onIdentity = (user, key) => void trust.seen(user, key).catch(() => undefined);
    this.verifier = new Verifier(directory, trust, username);
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

  /** Decodes one log entry, in log order (MessageStream calls this one at a time per conversation). */
  async decode(dto: MessageDto): Promise<Message | undefined> {
    if (!isMls(dto.contentType)) return toMessage(dto);
    return this.locks.run(dto.conversationId, () => this.decodeLocked(dto));
  }

  private async decodeLocked(dto: MessageDto): Promise<Message | undefined> {
    const commit = dto.contentType === MLS_COMMIT;
    // Reading never joins by external commit (that would skip whatever comes before our join): a member who writes
    // brings every member's devices in first, so a Welcome for us precedes any message meant for us. The exception is
    // a leaf of ours in the group without its state here: no one adds us again, so we replace it.
    let group = await this.usable(dto.conversationId);
    group ??= await orNone(this.joining.joinByWelcome(dto.conversationId));
    // A leaf of ours the group holds with no state here is replaced (a failure leaves that to the next entry).
    group ??= await orNone(this.joining.rejoinStranded(dto.conversationId));
    if (!group) return commit ? undefined : this.shown(dto, { error: await unreadReason(this.groups, dto) });
    if (dto.seq <= group.seq) return commit ? undefined : this.fromHistory(dto);
    // Entries this device has not processed yet (say, sent while it was signed out) come first, in log order.
    group = await this.catchUp(group, dto.seq - 1);
    if (!group) return commit ? undefined : this.shown(dto, { error: await unreadReason(this.groups, dto) });
    if (dto.seq <= group.seq) return commit ? undefined : this.fromHistory(dto);
    return this.apply(group, dto);
  }

  /**
   * Processes the stored log after the group's position up to `upTo`, in order (texts kept, nothing delivered): MLS
   * needs every commit, and the app may not have asked for these entries at all (its live stream starts later).
   */
  private async catchUp(start: Group, upTo: number): Promise<Group | undefined> {
    const conversationId = start.conversation.conversationId;
    let group: Group | undefined = start;
    while (group && group.seq < upTo) {
      const after: number = group.seq;
      const { messages } = await this.rt.request('messages:after', { conversationId, after, limit: 200 });
      const batch = messages.filter((m) => m.seq <= upTo);
      if (batch.length === 0) return group;
      for (const m of batch) {
        if (!group || m.seq <= group.seq) continue;
        if (isMls(m.contentType)) await this.apply(group, m);
        else group.seq = m.seq;
        // A commit we could not process makes us rejoin: continue from the new group's position.
        group = await this.usable(conversationId);
      }
    }
    return group;
  }

  /** Applies one new log entry (right after the group's position) to the group. */
  private async apply(group: Group, dto: MessageDto): Promise<Message | undefined> {
    const commit = dto.contentType === MLS_COMMIT;
    if (commit) {
      await this.processCommit(group, dto);
      return undefined;
    }
    if (dto.deleted) {
      group.seq = dto.seq;
      const erased = { id: dto.id, sentAt: dto.sentAt, sender: dto.sender };
      await this.groups.save(group, [{ seq: dto.seq, value: erased }]);
      // Replaces a copy of its text still waiting for upload (read before this device went offline).
      this.vault.enqueue(dto.conversationId, dto.seq, erased);
      return this.shown(dto, {});
    }
    const { value, content, own } = await openBody(this.groups, this.username, group, dto);
    group.seq = dto.seq;
    const readBack = own ? { bodyHash: own, plaintext: undefined } : undefined;
    if (content?.kind === 'reaction') {
      const { texts, reacted } = await applyReaction(this.groups, dto, value, content);
      await this.groups.save(group, texts, false, readBack);
      for (const t of texts) this.vault.enqueue(dto.conversationId, t.seq, t.value);
      if (reacted) this.rt.onUpdate(await this.rebuilt(dto.conversationId, content.target.seq, reacted));
      return undefined;
    }
    if (content?.kind === 'profile-key') {
      // Not shown: the sender's profile key, kept for opening their profile (the newest in log order wins).
      const entry = { ...value, profileKey: content.key };
      await this.groups.save(group, [{ seq: dto.seq, value: entry }], false, readBack);
      this.vault.enqueue(dto.conversationId, dto.seq, entry);
      if (value.sender !== undefined) {
        await saveProfileKey(this.store, this.username, value.sender, content.key);
        this.rt.onProfileKey?.(value.sender);
      }
      return undefined;
    }
    if (content?.kind !== 'edit') {
      await this.groups.save(group, [{ seq: dto.seq, value }], false, readBack);
      this.vault.enqueue(dto.conversationId, dto.seq, value);
      return this.shown(dto, value);
    }
    const { texts, edited } = await applyEdit(this.groups, dto, value, content);
    await this.groups.save(group, texts, false, readBack);
    // Every entry's meaning goes to the vault, the edit's own entry too: a new device must know it is no message.
    for (const t of texts) this.vault.enqueue(dto.conversationId, t.seq, t.value);
    if (edited) this.rt.onUpdate(await this.rebuilt(dto.conversationId, content.target.seq, edited));
    return undefined;
  }

  private async processCommit(group: Group, dto: MessageDto): Promise<void> {
    try {
      const mayJoin = (username: string) => this.membership.isMember(dto.conversationId, username);
      const outcome = await group.conversation.processHandshake(dto.body, { mayJoin });
      group.seq = dto.seq;
      if (outcome.kind === 'commit' && outcome.removedSelf) {
        await this.groups.drop(dto.conversationId, dto.seq);
        return;
      }
      if (outcome.kind === 'commit' && outcome.removed.length > 0) this.directory.forget();
      await this.groups.save(group);
    } catch (err) {
      if (!isMlsCryptoError(err)) throw err;
      if (err.code === 'STALE_COMMIT') {
        group.seq = dto.seq;
        await this.groups.save(group);
        return;
      }
      // An accepted commit this device cannot process: its state is unusable. Resync by external join; if that fails
      // (say, the connection dropped), our leaf is stranded and the next entry replaces it (rejoinStranded).
      await this.groups.drop(dto.conversationId);
      await this.joining.join(dto.conversationId, true).catch((e: unknown) => {
        if (!recoverable(e)) throw e;
      });
    }
  }

  private async shown(dto: MessageDto, value: StoredText): Promise<Message> {
    this.index.set(dto.id, { conversationId: dto.conversationId, seq: dto.seq });
    return shownMessage(dto, value, await this.quote(dto.conversationId, value));
  }

  /** A message rebuilt from its record after an edit or a reaction changed it. */
  private async rebuilt(conversationId: string, seq: number, value: StoredText): Promise<Message> {
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
      if (group && newest > group.seq) await this.catchUp(group, newest);
      await fillFromVault(this.groups, this.vault, conversationId, page);
      return Promise.all(page.map((m) => this.fromHistory(m)));
    });
    return messages.filter((m): m is Message => m !== undefined);
  }

  verification(username: string): Promise<Verification> {
    return this.verifier.verification(username);
  }

  setVerified(username: string, verified: boolean): Promise<Verification> {
    return this.verifier.setVerified(username, verified);
  }

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

  // ---- outgoing ----

  /**
   * The ciphertext of `text` for the conversation's current epoch (creating or joining the group if needed). With
   * `settled`, the host has settled the conversation just before: the first attempt does not ask it again (in the
   * browser that is a call from the worker back into the page saved on every send).
   */
  async encrypt(conversationId: string, content: Content, options: { settled?: boolean } = {}): Promise<SendPayload> {
    let plaintext: string;
    try {
      plaintext = encodeContent(content);
    } catch (err) {
      if (err instanceof ContentError) throw new ParleyError('VALIDATION_FAILED', err.message);
      throw err;
    }
    const size = new TextEncoder().encode(plaintext).byteLength;
    if (size > MAX_ENCRYPTED_CONTENT_BYTES) {
      throw new ParleyError('PAYLOAD_TOO_LARGE', `An encrypted message holds at most ${MAX_ENCRYPTED_CONTENT_BYTES} bytes; this one has ${size}.`);
    }
    for (let attempt = 0; attempt < 10; attempt++) {
      if (attempt > 0 || !options.settled) await this.rt.settle(conversationId);
      const result = await this.locks.run(conversationId, async () => {
        const group = (await this.usable(conversationId)) ?? (await this.joining.join(conversationId, false)) ?? (await this.joining.create(conversationId));
        if (!group) return 'retry' as const;
        if (this.membership.outOfDate(group)) return 'reconcile' as const;
        const body = await group.conversation.encrypt(plaintext);
        await this.groups.save(group, [], false, { bodyHash: await bodyHash(body), plaintext });
        return body;
      });
      if (result === 'reconcile') await this.reconcile(conversationId);
      // A profile key shows nothing: sent silent, it counts as unread nowhere and notifies no one.
      else if (result !== 'retry') return { contentType: content.kind === 'profile-key' ? MLS_SILENT : MLS_PRIVATE, body: result };
    }
    throw new ParleyError('CONFLICT', 'Could not bring this conversation\'s encryption up to date; try again.');
  }

  /** The server stored our message: kept for history (see recording.ts). Returns the message as it now reads. */
  async sent(dto: MessageDto, content: Content): Promise<Message> {
    this.index.set(dto.id, { conversationId: dto.conversationId, seq: dto.seq });
    const { seq, value } = await recordSent(this.groups, this.vault, this.username, dto, content);
    // The own profile key is kept like a contact's, so this device opens its own profile after a reload.
    if (content.kind === 'profile-key') await saveProfileKey(this.store, this.username, this.username, content.key);
    return seq === dto.seq ? this.shown(dto, value) : this.rebuilt(dto.conversationId, seq, value);
  }

  /**
   * A message of the client's outbox, start to end: encrypted, put on the wire by the host (under the item's key;
   * encrypted again after STALE_EPOCH), kept for history and the vault, and, when it is the next entry of the log,
   * counted as read (its echo then needs no decoding). In the browser this is the send's one call into the worker.
   */
  async send(conversationId: string, content: Content, request: SendRequest): Promise<Sent> {
    const bind = (payload: SendPayload) => (request.blobIds?.length ? { ...payload, blobIds: request.blobIds } : payload);
    let payload = bind(await this.encrypt(conversationId, content, { settled: request.settled ?? false }));
    let dto: MessageDto | undefined;
    for (let stale = 0; !dto; stale++) {
      try {
        dto = await this.rt.transmit(conversationId, request.clientKey, payload);
      } catch (err) {
        if (codeOf(err) !== 'STALE_EPOCH' || stale >= 20) throw err;
        payload = bind(await this.encrypt(conversationId, content));
      }
    }
    const stored = dto;
    return this.locks.run(conversationId, async () => {
      const message = await this.sent(stored, content);
      const group = await this.usable(conversationId);
      if (group && group.seq === stored.seq - 1) {
        group.seq = stored.seq;
        await this.groups.save(group, [], false, { bodyHash: await bodyHash(stored.body), plaintext: undefined });
      }
      return { message, dto: stored, positioned: group !== undefined && group.seq >= stored.seq };
    });
  }

  /** The newest profile key `username` shared with this device (base64url), or undefined. */
  profileKeyOf(username: string): Promise<string | undefined> {
    return loadProfileKey(this.store, this.username, username);
  }

  /** A fresh-keys commit (post-compromise security): everyone moves to a new epoch with new secrets. */
  async updateKeys(conversationId: string): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      await this.rt.settle(conversationId);
      const outcome = await this.locks.run(conversationId, async () => {
        const group = await this.usable(conversationId);
        if (!group) throw new ParleyError('NOT_FOUND', 'This device is not in that conversation\'s encryption group yet.');
        const pending = await group.conversation.updateKeys();
        return this.sendCommit(group, { contentType: MLS_COMMIT, body: pending.commit, groupInfo: pending.groupInfo });
      });
      if (outcome === 'committed') return;
    }
    throw new ParleyError('CONFLICT', 'Could not update the keys; try again.');
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
  async reconcile(conversationId: string): Promise<void> {
    for (let attempt = 0; attempt < 8 && !this.closed; attempt++) {
      await this.rt.settle(conversationId);
      const outcome = await this.locks.run(conversationId, async () => {
        const group = await this.usable(conversationId);
        if (!group) return 'done' as const;
        return this.membership.step(group, (payload) => this.sendCommit(group, payload));
      });
      if (outcome === 'done') return;
    }
  }

  private async sendCommit(group: Group, payload: SendPayload): Promise<'committed' | 'stale'> {
    try {
      await this.rt.sendPayload(group.conversation.conversationId, payload);
    } catch (err) {
      group.conversation.discardCommit();
      if (codeOf(err) === 'STALE_EPOCH') return 'stale';
      throw err;
    }
    await group.conversation.confirmCommit();
    await this.groups.save(group);
    return 'committed';
  }

  // ---- joining ----

  /** A Welcome for this device: join now unless the group is already here. */
  async welcomed(welcome: WelcomeDto): Promise<void> {
    if (welcome.deviceId !== this.deviceId) return;
    await this.locks.run(welcome.conversationId, async () => {
      if (!(await this.usable(welcome.conversationId))) await this.joining.join(welcome.conversationId, false);
    });
    await this.rt.settle(welcome.conversationId);
  }

  private async usable(conversationId: string): Promise<Group | undefined> {
    const group = await this.groups.load(conversationId);
    return group?.conversation.active ? group : undefined;
  }

}

