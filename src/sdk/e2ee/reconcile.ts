/**
 * Keeps a conversation's MLS group in line with the server's member list: leaves of users who are no longer members
 * (or of devices that were removed) are committed out before anything else is encrypted, and devices of members that
 * are missing are added (the server decided who the members are; any member's device carries it out). A device that
 * is not added (no KeyPackage left) joins by external commit on its own.
 */
import { MLS_COMMIT, type DirectoryEntry } from '../../protocol/e2e.js';
import type { ConversationDto } from '../../protocol/conversations.js';
import { isMlsCryptoError } from '../crypto/index.js';
import type { Realtime } from '../realtime.js';
import type { SendPayload } from '../message-stream.js';
import type { ServerDirectory } from './directory.js';
import type { Group } from './groups.js';

type Commit = (payload: SendPayload) => Promise<'committed' | 'stale'>;

interface Known {
  kind: ConversationDto['kind'];
  members: Map<string, ConversationDto['members'][number]['role']>;
}

export class Membership {
  private readonly known = new Map<string, Known>();
  private readonly outdated = new Set<string>();

  constructor(
    private readonly rt: Realtime,
    private readonly directory: ServerDirectory,
    private readonly username: string,
    private readonly deviceId: string,
  ) {}

  /** Returns true when the member list differs from the one we knew. */
  remember(conversation: ConversationDto): boolean {
    const before = this.known.get(conversation.id);
    const members = new Map(conversation.members.map((m) => [m.username, m.role]));
    this.known.set(conversation.id, { kind: conversation.kind, members });
    const same = before && before.members.size === members.size && [...members.keys()].every((u) => before.members.has(u));
    if (!same) this.outdated.add(conversation.id);
    return !same;
  }

  markOutOfDate(conversationId: string): void {
    this.outdated.add(conversationId);
  }

  /** Must the group be reconciled before we encrypt (a leaf of a non-member, or a change not handled yet)? */
  outOfDate(group: Group): boolean {
    const id = group.conversation.conversationId;
    const known = this.known.get(id);
    if (!known || this.outdated.has(id)) return true;
    return group.conversation.members().some((m) => !known.members.has(m.username));
  }

  /** One reconciling commit (removals first, then adds). 'done' when nothing is left to change. */
  async step(group: Group, commit: Commit): Promise<'done' | 'again'> {
    const id = group.conversation.conversationId;
    let conversation: ConversationDto;
    try {
      conversation = (await this.rt.request('conversations:get', { conversationId: id })).conversation;
    } catch {
      return 'done';
    }
    this.remember(conversation);
    const entries = new Map<string, DirectoryEntry | undefined>();
    for (const m of conversation.members) entries.set(m.username, await this.directory.lookup(m.username, true));
    const tree = group.conversation.members();
    const self = (m: { username: string; deviceId: string }) => m.username === this.username && m.deviceId === this.deviceId;

    const strangers = tree.filter(
      (leaf) => !self(leaf) && !entries.get(leaf.username)?.devices.some((d) => d.deviceId === leaf.deviceId),
    );
    if (strangers.length > 0) {
      const pending = await group.conversation.removeMembers(strangers.map(({ username, deviceId }) => ({ username, deviceId })));
      await commit({ contentType: MLS_COMMIT, body: pending.commit, groupInfo: pending.groupInfo });
      return 'again';
    }

    const inTree = new Set(tree.map((m) => `${m.username}\u0000${m.deviceId}`));
    const wanted = new Set<string>();
    for (const [username, entry] of entries) {
      if (!entry) continue;
      for (const d of entry.devices) if (!inTree.has(`${username}\u0000${d.deviceId}`)) wanted.add(`${username}\u0000${d.deviceId}`);
    }
    if (wanted.size === 0) {
      this.outdated.delete(id);
      return 'done';
    }
    const usernames = [...new Set([...wanted].map((w) => w.split('\u0000')[0]!))];
    const claimed = await this.rt.request('keyPackages:claim', {
      usernames,
      devices: [...wanted].map((w) => {
        const [username, deviceId] = w.split('\u0000') as [string, string];
        return { username, deviceId };
      }),
    });
    const packages = claimed.keyPackages.filter((k) => wanted.has(`${k.username}\u0000${k.deviceId}`));
    if (packages.length === 0) {
      this.outdated.delete(id);
      return 'done';
    }
    let pending;
    try {
      pending = await group.conversation.addMembers(packages.map((k) => k.body));
    } catch (err) {
      // A KeyPackage that does not verify (expired, or not what the directory certifies) is skipped, not retried.
      if (!isMlsCryptoError(err)) throw err;
      this.outdated.delete(id);
      return 'done';
    }
    await commit({
      contentType: MLS_COMMIT,
      body: pending.commit,
      groupInfo: pending.groupInfo,
      ...(pending.welcome ? { welcome: pending.welcome } : {}),
    });
    return 'again';
  }
}
