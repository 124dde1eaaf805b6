/**
 * How this device gets into a conversation's MLS group: by the newest Welcome waiting for it, by external commit from
 * the GroupInfo the server holds (writing, or resyncing after a commit it could not process), or by creating the group
 * when it is the first to write. KeyPackages used by Welcomes are replaced.
 */
import { MLS_COMMIT } from '../../protocol/e2e.js';
import { inspectMlsMessage } from '../../mls/index.js';
import { ParleyError, errorCode as codeOf } from '../errors.js';
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

  /** Joins by the newest Welcome waiting for this device, else by external commit. Undefined: no group yet. */
  async join(conversationId: string, resync: boolean): Promise<Group | undefined> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const welcomed = await this.joinByWelcome(conversationId);
      if (welcomed) return welcomed;
      let info;
      try {
        info = await this.rt.request('mls:groupInfo', { conversationId });
      } catch (err) {
        // CONFLICT: not an MLS group yet. NOT_FOUND: we are not a member (any more).
        if (codeOf(err) === 'CONFLICT' || codeOf(err) === 'NOT_FOUND') return undefined;
        throw err;
      }
      // Already added by someone (the Welcome is stored with that commit): take the Welcome, not a second leaf.
      if (!resync && this.inTree(info.groupInfo)) continue;
      const { conversation, commit } = await this.device.joinExternal(info.groupInfo, conversationId, { resync });
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
      }
    }
    throw new ParleyError('CONFLICT', 'Could not join this conversation\'s encryption group; try again.');
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

  /** The first device to write in a conversation makes it an MLS group. Undefined: someone else did first. */
  async create(conversationId: string): Promise<Group | undefined> {
    const conversation = await this.device.createConversation(conversationId);
    try {
      const init = await this.rt.request('mls:init', { conversationId, groupInfo: await conversation.groupInfo() });
      const group = { conversation, seq: init.seq };
      await this.groups.save(group, [], true);
      this.membership.markOutOfDate(conversationId);
      return group;
    } catch (err) {
      if (codeOf(err) === 'CONFLICT') return undefined;
      throw err;
    }
  }
}
