/**
 * The read path of the end-to-end engine: log entries decoded in order. Commits move the group's epoch; application
 * messages are decrypted once and their text kept in the store (and queued for the vault); anything that fails is
 * reported as undecryptable, never as text. Edits, reactions and profile keys are applied to what they refer to.
 */
import { MLS_COMMIT, type WelcomeDto } from '../../protocol/e2e.js';
import type { MessageDto } from '../../protocol/messages.js';
import { isMlsCryptoError } from '../crypto/index.js';
import type { Message } from '../message-stream.js';
import { isMls, orNone, recoverable, type EngineParts } from './engine-parts.js';
import type { Group } from './groups.js';
import { saveProfileKey } from './profile-keys.js';
import { applyEdit, applyReaction, openBody, unreadReason } from './reading.js';

export class Incoming {
  constructor(private readonly e: EngineParts) {}

  /** Decodes one log entry, under the conversation's lock (the caller takes it). */
  async decodeLocked(dto: MessageDto): Promise<Message | undefined> {
    const { e } = this;
    const commit = dto.contentType === MLS_COMMIT;
    // Reading never joins by external commit (that would skip whatever comes before our join): a member who writes
    // brings every member's devices in first, so a Welcome for us precedes any message meant for us. The exception is
    // a leaf of ours in the group without its state here: no one adds us again, so we replace it.
    let group = await e.usable(dto.conversationId);
    group ??= await orNone(e.joining.joinByWelcome(dto.conversationId));
    // A leaf of ours the group holds with no state here is replaced (a failure leaves that to the next entry).
    group ??= await orNone(e.joining.rejoinStranded(dto.conversationId));
    if (!group) return commit ? undefined : e.shown(dto, { error: await unreadReason(e.groups, dto) });
    if (dto.seq <= group.seq) return commit ? undefined : e.fromHistory(dto);
    // Entries this device has not processed yet (say, sent while it was signed out) come first, in log order.
    group = await this.catchUp(group, dto.seq - 1);
    if (!group) return commit ? undefined : e.shown(dto, { error: await unreadReason(e.groups, dto) });
    if (dto.seq <= group.seq) return commit ? undefined : e.fromHistory(dto);
    return this.apply(group, dto);
  }

  /**
   * Processes the stored log after the group's position up to `upTo`, in order (texts kept, nothing delivered): MLS
   * needs every commit, and the app may not have asked for these entries at all (its live stream starts later).
   */
  async catchUp(start: Group, upTo: number): Promise<Group | undefined> {
    const { e } = this;
    const conversationId = start.conversation.conversationId;
    let group: Group | undefined = start;
    while (group && group.seq < upTo) {
      const after: number = group.seq;
      const { messages } = await e.rt.request('messages:after', { conversationId, after, limit: 200 });
      const batch = messages.filter((m) => m.seq <= upTo);
      if (batch.length === 0) return group;
      for (const m of batch) {
        if (!group || m.seq <= group.seq) continue;
        if (isMls(m.contentType)) await this.apply(group, m);
        else group.seq = m.seq;
        // A commit we could not process makes us rejoin: continue from the new group's position.
        group = await e.usable(conversationId);
      }
    }
    return group;
  }

  /** Applies one new log entry (right after the group's position) to the group. */
  private async apply(group: Group, dto: MessageDto): Promise<Message | undefined> {
    const { e } = this;
    if (dto.contentType === MLS_COMMIT) {
      await this.processCommit(group, dto);
      return undefined;
    }
    if (dto.deleted) {
      group.seq = dto.seq;
      const erased = { id: dto.id, sentAt: dto.sentAt, sender: dto.sender };
      await e.groups.save(group, [{ seq: dto.seq, value: erased }]);
      // Replaces a copy of its text still waiting for upload (read before this device went offline).
      e.vault.enqueue(dto.conversationId, dto.seq, erased);
      return e.shown(dto, {});
    }
    const { value, content, own } = await openBody(e.groups, e.username, group, dto);
    group.seq = dto.seq;
    const readBack = own ? { bodyHash: own, plaintext: undefined } : undefined;
    if (content?.kind === 'reaction') {
      const { texts, reacted } = await applyReaction(e.groups, dto, value, content);
      await e.groups.save(group, texts, false, readBack);
      for (const t of texts) e.vault.enqueue(dto.conversationId, t.seq, t.value);
      if (reacted) e.rt.onUpdate(await e.rebuilt(dto.conversationId, content.target.seq, reacted));
      return undefined;
    }
    if (content?.kind === 'profile-key') {
      // Not shown: the sender's profile key, kept for opening their profile (the newest in log order wins).
      const entry = { ...value, profileKey: content.key };
      await e.groups.save(group, [{ seq: dto.seq, value: entry }], false, readBack);
      e.vault.enqueue(dto.conversationId, dto.seq, entry);
      if (value.sender !== undefined) {
        await saveProfileKey(e.store, e.username, value.sender, content.key);
        e.rt.onProfileKey?.(value.sender);
      }
      return undefined;
    }
    if (content?.kind !== 'edit') {
      await e.groups.save(group, [{ seq: dto.seq, value }], false, readBack);
      e.vault.enqueue(dto.conversationId, dto.seq, value);
      return e.shown(dto, value);
    }
    const { texts, edited } = await applyEdit(e.groups, dto, value, content);
    await e.groups.save(group, texts, false, readBack);
    // Every entry's meaning goes to the vault, the edit's own entry too: a new device must know it is no message.
    for (const t of texts) e.vault.enqueue(dto.conversationId, t.seq, t.value);
    if (edited) e.rt.onUpdate(await e.rebuilt(dto.conversationId, content.target.seq, edited));
    return undefined;
  }

  private async processCommit(group: Group, dto: MessageDto): Promise<void> {
    const { e } = this;
    try {
      const mayJoin = (username: string) => e.membership.isMember(dto.conversationId, username);
      const outcome = await group.conversation.processHandshake(dto.body, { mayJoin });
      group.seq = dto.seq;
      if (outcome.kind === 'commit' && outcome.removedSelf) {
        await e.groups.drop(dto.conversationId, dto.seq);
        return;
      }
      if (outcome.kind === 'commit' && outcome.removed.length > 0) e.directory.forget();
      await e.groups.save(group);
    } catch (err) {
      if (!isMlsCryptoError(err)) throw err;
      if (err.code === 'STALE_COMMIT') {
        group.seq = dto.seq;
        await e.groups.save(group);
        return;
      }
      // An accepted commit this device cannot process: its state is unusable. Resync by external join; if that fails
      // (say, the connection dropped), our leaf is stranded and the next entry replaces it (rejoinStranded).
      await e.groups.drop(dto.conversationId);
      await e.joining.join(dto.conversationId, true).catch((err2: unknown) => {
        if (!recoverable(err2)) throw err2;
      });
    }
  }

  /** A Welcome for this device: join now unless the group is already here. */
  async welcomed(welcome: WelcomeDto, deviceId: string): Promise<void> {
    const { e } = this;
    if (welcome.deviceId !== deviceId) return;
    await e.locks.run(welcome.conversationId, async () => {
      if (!(await e.usable(welcome.conversationId))) await e.joining.join(welcome.conversationId, false);
    });
    await e.rt.settle(welcome.conversationId);
  }
}
