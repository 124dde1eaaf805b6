/**
 * Keeps a conversation's MLS group in line with the server's member list: leaves of users who are no longer members
 * (or of devices that were removed) are committed out before anything else is encrypted, and devices of members that
 * are missing are added (the server decided who the members are; any member's device carries it out). A device that
 * is not added (no KeyPackage left) joins by external commit on its own.
 */
import { MLS_COMMIT, type DirectoryEntry } from '../../protocol/e2e.js';
import type { ConversationDto } from '../../protocol/conversations.js';
import { isMlsCryptoError } from '../crypto/index.js';
import type { Requester } from './api.js';
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
  /** Per conversation: members the last reconcile could not bring in (no device or no KeyPackage yet). */
  private readonly unreachable = new Map<string, Set<string>>();

  constructor(
    private readonly rt: Requester,
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

  /** Is the user a member of the conversation (as the server lists them, asked again if we do not know)? */
  async isMember(conversationId: string, username: string): Promise<boolean> {
    if (this.known.get(conversationId)?.members.has(username)) return true;
    try {
      this.remember((await this.rt.request('conversations:get', { conversationId })).conversation);
    } catch {
      return false;
    }
    return this.known.get(conversationId)?.members.has(username) === true;
  }

  markOutOfDate(conversationId: string): void {
    this.outdated.add(conversationId);
  }

  /**
   * Must the group be reconciled before we encrypt? When a change is not handled yet, a leaf belongs to a non-member,
   * or a member has no leaf (unless the last reconcile found nothing of theirs to add): encrypting then would leave a
   * member unable to read, or let a former member read.
   */
  outOfDate(group: Group): boolean {
    const id = group.conversation.conversationId;
    const known = this.known.get(id);
    if (!known || this.outdated.has(id)) return true;
    const leaves = group.conversation.members();
    if (leaves.some((m) => !known.members.has(m.username))) return true;
    const present = new Set(leaves.map((m) => m.username));
    const unreachable = this.unreachable.get(id);
    return [...known.members.keys()].some((u) => !present.has(u) && !unreachable?.has(u));
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
    const unreachable = new Set([...entries.keys()].filter((u) => !tree.some((m) => m.username === u)));
    if (wanted.size === 0) return this.settled(id, unreachable);
    const usernames = [...new Set([...wanted].map((w) => w.split('\u0000')[0]!))];
    const claimed = await this.rt.request('keyPackages:claim', {
      usernames,
      devices: [...wanted].map((w) => {
        const [username, deviceId] = w.split('\u0000') as [string, string];
        return { username, deviceId };
      }),
    });
    const packages = claimed.keyPackages.filter((k) => wanted.has(`${k.username}\u0000${k.deviceId}`));
    for (const k of packages) unreachable.delete(k.username);
    if (packages.length === 0) return this.settled(id, unreachable);
    let pending;
    try {
      pending = await group.conversation.addMembers(packages.map((k) => k.body));
    } catch (err) {
      // A KeyPackage that does not verify (expired, or not what the directory certifies) is skipped, not retried.
      if (!isMlsCryptoError(err)) throw err;
      return this.settled(id, unreachable);
    }
    await commit({
      contentType: MLS_COMMIT,
      body: pending.commit,
      groupInfo: pending.groupInfo,
      ...(pending.welcome ? { welcome: pending.welcome } : {}),
    });
    return 'again';
  }

  private settled(id: string, unreachable: Set<string>): 'done' {
    this.unreachable.set(id, unreachable);
    this.outdated.delete(id);
    return 'done';
  }
}
