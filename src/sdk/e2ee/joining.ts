/**
 * How this device gets into a conversation's MLS group: by the newest Welcome waiting for it, by external commit from
 * the GroupInfo the server holds (writing, or resyncing after a commit it could not process), or by creating the group
 * when it is the first to write. A leaf of this device in the group that has no state here (stranded: its Welcome
 * used up, a failed resync, an init whose answer was lost) is replaced by external commit, also when only reading.
 * KeyPackages used by Welcomes are replaced.
 */
import { MLS_COMMIT } from '../../protocol/e2e.js';
import { inspectMlsMessage } from '../../mls/index.js';
import { ParleyError, errorCode as codeOf, isConnectionError } from '../errors.js';
import type { EngineHost } from './api.js';
import { isMlsCryptoError, type MlsDevice } from '../crypto/index.js';
import { KEY_PACKAGE_STOCK, publishKeyPackages } from './account.js';
import type { GroupStore, Group } from './groups.js';
import type { Membership } from './reconcile.js';
import type { SecretStore } from './store.js';


export class Joining {
  constructor(
    private readonly rt: EngineHost,
    private readonly store: SecretStore,
    private readonly device: MlsDevice,
    private readonly groups: GroupStore,
    private readonly membership: Membership,
  ) {}

  private get deviceId(): string {
    return this.device.name.deviceId;
  }

  /**
   * Joins by the newest Welcome waiting for this device, else by external commit. Undefined: no group yet.
   * `resync`: this device's own state is unusable (a commit it could not process): replace its leaf at once.
   */
  async join(conversationId: string, resync: boolean): Promise<Group | undefined> {
    // Once this device's leaf was seen in the server's tree, a Welcome for it (stored with that tree) shows up below.
    let leafSeen = resync;
    for (let attempt = 0; attempt < 10; attempt++) {
      const welcomed = await this.joinByWelcome(conversationId);
      if (welcomed) return welcomed;
      const info = await this.groupInfo(conversationId);
      if (!info) return undefined;
      const inTree = this.inTree(info.groupInfo);
      // Already added by someone (the Welcome is stored with that commit): take the Welcome, not a second leaf. Still
      // no Welcome after the leaf was seen: it is stranded (see rejoinStranded) and is replaced.
      if (inTree && !leafSeen) {
        leafSeen = true;
        continue;
      }
      const group = await this.external(conversationId, info.groupInfo, inTree);
      if (group) return group;
    }
    throw new ParleyError('CONFLICT', 'Could not join this conversation\'s encryption group; try again.');
  }

  /**
   * For a reader with no group and no Welcome. If the server's tree holds a leaf of this device, that leaf is
   * stranded: its Welcome was used up without a saved state, a resync failed, or this device's own mls:init was
   * stored but its answer lost. No writer adds this device again (it is in the tree), and nothing sent to that leaf
   * can be read here, so the leaf is replaced by external commit: what comes next is readable. Reading otherwise
   * never joins by external commit. Undefined: not in the tree (a writer adds this device, Welcome first, before
   * writing to it) or not a member.
   */
  async rejoinStranded(conversationId: string): Promise<Group | undefined> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const info = await this.groupInfo(conversationId);
      if (!info || !this.inTree(info.groupInfo)) return undefined;
      // Asked after the tree was read: a Welcome for the leaf would be stored by now.
      const group = (await this.joinByWelcome(conversationId)) ?? (await this.external(conversationId, info.groupInfo, true));
      if (group) return group;
    }
    throw new ParleyError('CONFLICT', 'Could not rejoin this conversation\'s encryption group; try again.');
  }

  /** The group's latest GroupInfo; undefined when it is not an MLS group yet (CONFLICT) or we are not a member. */
  private async groupInfo(conversationId: string): Promise<{ groupInfo: Uint8Array } | undefined> {
    try {
      return await this.rt.request('mls:groupInfo', { conversationId });
    } catch (err) {
      if (codeOf(err) === 'CONFLICT' || codeOf(err) === 'NOT_FOUND') return undefined;
      throw err;
    }
  }

  /**
   * Joins by external commit from `groupInfo`, replacing this device's leaf if it has one (`resync`). Undefined: the
   * group moved on first (STALE_EPOCH): read the GroupInfo again.
   */
  private async external(conversationId: string, groupInfo: Uint8Array, resync: boolean): Promise<Group | undefined> {
    const { conversation, commit } = await this.device.joinExternal(groupInfo, conversationId, { resync });
    try {
      const stored = await this.rt.sendPayload(conversationId, {
        contentType: MLS_COMMIT,
        body: commit,
        groupInfo: await conversation.groupInfo(),
      });
      const group = { conversation, seq: stored.seq };
      await this.groups.save(group, [], true);
      // The GroupInfo we joined from may predate adds still under way: check the members before writing.
      this.membership.markOutOfDate(conversationId);
      return group;
    } catch (err) {
      if (codeOf(err) !== 'STALE_EPOCH') throw err;
      return undefined;
    }
  }

  private inTree(groupInfo: Uint8Array): boolean {
    const framing = inspectMlsMessage(groupInfo);
    const me = this.device.name;
    return framing.type === 'group_info' && framing.members.some((m) => m.username === me.username && m.deviceId === me.deviceId);
  }

  async joinByWelcome(conversationId: string): Promise<Group | undefined> {
    const { welcomes } = await this.rt.request('mls:welcomes', { deviceId: this.deviceId });
    const mine = welcomes.filter((w) => w.conversationId === conversationId).sort((a, b) => b.commitSeq - a.commitSeq);
    const newest = mine[0];
    if (!newest) return undefined;
    let group: Group | undefined;
    try {
      group = { conversation: await this.device.joinWelcome(newest.body, conversationId), seq: newest.commitSeq };
      await this.groups.save(group, [], true);
    } catch (err) {
      if (!isMlsCryptoError(err)) throw err;
    }
    await this.rt.request('mls:ackWelcomes', { deviceId: this.deviceId, ids: mine.map((w) => w.id) });
    if (group) void this.topUp().catch(() => undefined);
    return group;
  }

  /** Keeps KeyPackages waiting on the server for whoever adds this device next. */
  async topUp(): Promise<void> {
    const waiting = await publishKeyPackages(this.rt, this.store, this.device, 1, false);
    if (waiting < KEY_PACKAGE_STOCK / 2) await publishKeyPackages(this.rt, this.store, this.device, KEY_PACKAGE_STOCK - waiting, false);
  }

  /**
   * The first device to write in a conversation makes it an MLS group. Undefined: someone else did first (or our
   * init was stored, its answer lost, and someone joined before our retry: our leaf is then stranded, see join).
   */
  async create(conversationId: string): Promise<Group | undefined> {
    const conversation = await this.device.createConversation(conversationId);
    const groupInfo = await conversation.groupInfo();
    for (let attempt = 1; ; attempt++) {
      try {
        const init = await this.rt.request('mls:init', { conversationId, groupInfo });
        const group = { conversation, seq: init.seq };
        await this.groups.save(group, [], true);
        this.membership.markOutOfDate(conversationId);
        return group;
      } catch (err) {
        if (codeOf(err) === 'CONFLICT') return undefined;
        // No answer: the init may be stored. The same init again gets the same answer, and keeps this state usable.
        if (!isConnectionError(err) || attempt >= 5) throw err;
      }
    }
  }
}
