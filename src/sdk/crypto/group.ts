/**
 * MlsConversation: one Parley conversation = one MLS group (group id = UTF-8 conversation id).
 * Application messages are PrivateMessages; commits and proposals are PublicMessages so the server can check framing.
 * Our own commits stay pending until the server accepts them (confirmCommit, or seeing them echoed in the log).
 * Every operation runs under a per-conversation lock: two concurrent encrypts must never reuse a ratchet generation.
 */
import {
  createApplicationMessage,
  createCommit,
  createGroupInfoWithExternalPubAndRatchetTree,
  createProposal,
  decodeMlsMessage,
  encodeMlsMessage,
  makePskIndex,
  mlsExporter,
  processPrivateMessage,
  processPublicMessage,
  zeroOutUint8Array,
  type ClientState,
  type IncomingMessageCallback,
  type Proposal,
} from 'ts-mls';
import { decryptSenderData } from 'ts-mls/privateMessage.js';
import { checkAddCredentials, committedProposals, ownCommitProposals } from './add-checks.js';
import { bytesEqual, utf8Decode, utf8Encode } from './bytes.js';
import { MlsCryptoError } from './errors.js';
import {
  checkMembershipPolicy,
  diffMembers,
  encodeState,
  members,
  names,
  pruneEpochs,
  toMlsCryptoError,
  type Member,
} from './group-state.js';
import type { CommitOutcome, ConversationContext, DecryptedMessage, PendingCommit, ProposalOutcome } from './group-types.js';

export interface HandshakeOptions {
  /** May this user (not yet in the group) join by external commit? Default: no. */
  mayJoin?: (username: string) => boolean | Promise<boolean>;
}

export class MlsConversation {
  private pending: { newState: ClientState; consumed: Uint8Array[]; result: PendingCommit } | undefined;
  private lastOwnCommit: Uint8Array | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /** @internal Built by MlsDevice (create, join, restore). */
  constructor(
    readonly conversationId: string,
    private state: ClientState,
    private readonly ctx: ConversationContext,
  ) {}

  get epoch(): bigint {
    return this.state.groupContext.epoch;
  }

  get active(): boolean {
    return this.state.groupActiveState.kind === 'active';
  }

  get hasPendingCommit(): boolean {
    return this.pending !== undefined;
  }

  members(): Member[] {
    return members(this.state.ratchetTree);
  }

  /** 32 bytes every member shares for this epoch; equal values mean equal group state (no fork). */
  epochAuthenticator(): Uint8Array {
    return this.state.keySchedule.epochAuthenticator.slice();
  }

  exportSecret(label: string, context: Uint8Array, length: number): Promise<Uint8Array> {
    return mlsExporter(this.state.keySchedule.exporterSecret, label, context, length, this.ctx.cs);
  }

  /** Secret state for encrypted storage. A pending commit is not included: persist it separately or discard it. */
  serialize(): Uint8Array {
    return encodeState(this.state);
  }

  encrypt(text: string): Promise<Uint8Array> {
    return this.exclusive(async () => {
      this.assertCanSend('encrypt');
      if (Object.keys(this.state.unappliedProposals).length > 0) {
        throw new MlsCryptoError('PENDING_COMMIT', 'encrypt', 'commit the received proposals first');
      }
      const result = await createApplicationMessage(this.state, utf8Encode(text), this.ctx.cs);
      this.state = result.newState;
      result.consumed.forEach(zeroOutUint8Array);
      return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_private_message', privateMessage: result.privateMessage });
    });
  }

  /** Decrypts an application message. Any failure throws MlsCryptoError (never returns text it could not authenticate). */
  decrypt(bytes: Uint8Array): Promise<DecryptedMessage> {
    return this.exclusive(async () => {
      const where = 'decrypt';
      const decoded = decodeMlsMessage(bytes, 0);
      if (decoded === undefined || decoded[1] !== bytes.length || decoded[0].wireformat !== 'mls_private_message') {
        throw new MlsCryptoError('DECRYPT_FAILED', where, 'not an MLS PrivateMessage');
      }
      const pm = decoded[0].privateMessage;
      if (pm.contentType !== 'application' || !bytesEqual(pm.groupId, this.state.groupContext.groupId)) {
        throw new MlsCryptoError('DECRYPT_FAILED', where, 'not an application message of this conversation');
      }
      const current = this.state.groupContext.epoch;
      if (pm.epoch > current && !this.active) throw new MlsCryptoError('NOT_A_MEMBER', where, 'removed before this epoch');
      if (pm.epoch > current) throw new MlsCryptoError('FUTURE_EPOCH', where, `message for epoch ${pm.epoch}, we are at ${current}`);
      const past = pm.epoch < current ? this.state.historicalReceiverData.get(pm.epoch) : undefined;
      if (pm.epoch < current && past === undefined) {
        throw new MlsCryptoError('EPOCH_UNAVAILABLE', where, `keys of epoch ${pm.epoch} are deleted`);
      }
      const senderDataSecret = past?.senderDataSecret ?? this.state.keySchedule.senderDataSecret;
      const tree = past?.ratchetTree ?? this.state.ratchetTree;
      try {
        const senderData = await decryptSenderData(pm, senderDataSecret, this.ctx.cs);
        const result = await processPrivateMessage(this.state, pm, makePskIndex(this.state, {}), this.ctx.cs);
        if (result.kind !== 'applicationMessage' || senderData === undefined) throw new Error('not an application message');
        const sender = members(tree).find((m) => m.leafIndex === senderData.leafIndex);
        if (sender === undefined) throw new Error('unknown sender');
        const text = utf8Decode(result.message, where);
        this.state = result.newState;
        result.consumed.forEach(zeroOutUint8Array);
        return { text, sender: { username: sender.username, deviceId: sender.deviceId }, epoch: pm.epoch };
      } catch (error) {
        throw new MlsCryptoError('DECRYPT_FAILED', where, 'could not be decrypted', { cause: error });
      }
    });
  }

  /** Adds devices by their KeyPackages (MLSMessage bytes, as handed out by the server). */
  addMembers(keyPackages: Uint8Array[]): Promise<PendingCommit> {
    return this.commit('addMembers', () =>
      keyPackages.map((bytes) => {
        const decoded = decodeMlsMessage(bytes, 0);
        if (decoded === undefined || decoded[1] !== bytes.length || decoded[0].wireformat !== 'mls_key_package') {
          throw new MlsCryptoError('INVALID_MESSAGE', 'addMembers', 'not an MLS KeyPackage');
        }
        return { proposalType: 'add', add: { keyPackage: decoded[0].keyPackage } };
      }),
    );
  }

  /** Removes every listed device; a name without deviceId removes all of that user's devices (never this one). */
  removeMembers(targets: { username: string; deviceId?: string }[]): Promise<PendingCommit> {
    return this.commit('removeMembers', () => {
      const self = this.state.privatePath.leafIndex;
      const leaves = this.members().filter((m) =>
        targets.some((t) => t.username === m.username && (t.deviceId === undefined || t.deviceId === m.deviceId)),
      );
      if (leaves.some((m) => m.leafIndex === self)) {
        throw new MlsCryptoError('INVALID_MESSAGE', 'removeMembers', 'cannot remove this device: use proposeLeave');
      }
      if (leaves.length === 0) throw new MlsCryptoError('INVALID_MESSAGE', 'removeMembers', 'no such member');
      return leaves.map((m) => ({ proposalType: 'remove', remove: { removed: m.leafIndex } }));
    });
  }

  /** An empty commit with a fresh path: new epoch keys (post-compromise security) and commits pending proposals. */
  updateKeys(): Promise<PendingCommit> {
    return this.commit('updateKeys', () => []);
  }

  /**
   * Leaving: MLS members cannot commit their own removal, so this returns a Remove proposal (PublicMessage) for the log;
   * the next commit by anyone applies it. Members who receive it must commit before they can send again.
   */
  proposeLeave(): Promise<Uint8Array> {
    return this.exclusive(async () => {
      this.assertCanSend('proposeLeave');
      const removed = this.state.privatePath.leafIndex;
      const result = await createProposal(this.state, true, { proposalType: 'remove', remove: { removed } }, this.ctx.cs);
      this.state = result.newState;
      return encodeMlsMessage(result.message);
    });
  }

  /** The server accepted our pending commit: move to the new epoch. */
  confirmCommit(): Promise<bigint> {
    return this.exclusive(() => {
      if (this.pending === undefined) throw new MlsCryptoError('INVALID_MESSAGE', 'confirmCommit', 'no pending commit');
      this.adoptPending();
      return Promise.resolve(this.epoch);
    });
  }

  /** The server refused our pending commit (stale): forget it; process the winner, then redo the change. */
  discardCommit(): void {
    this.pending = undefined;
  }

  /** GroupInfo of the current epoch (external_pub + ratchet tree), e.g. right after creating the group. */
  groupInfo(): Promise<Uint8Array> {
    return this.exclusive(async () => {
      const gi = await createGroupInfoWithExternalPubAndRatchetTree(this.state, [], this.ctx.cs);
      return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_group_info', groupInfo: gi });
    });
  }

  /**
   * Processes a commit or proposal (PublicMessage) from the group's ordered log. An external join is accepted from a
   * new device of a user already in the group, or of a user `mayJoin` names (e.g. a member the server lists).
   */
  processHandshake(bytes: Uint8Array, options: HandshakeOptions = {}): Promise<CommitOutcome | ProposalOutcome> {
    return this.exclusive(() => this.handshake(bytes, options));
  }

  private async handshake(bytes: Uint8Array, options: HandshakeOptions): Promise<CommitOutcome | ProposalOutcome> {
    const where = 'processHandshake';
    const own = (): CommitOutcome => ({
      kind: 'commit', epoch: this.epoch, own: true, committer: undefined,
      added: [], removed: [], removedSelf: false, supersededPendingCommit: false,
    });
    if (this.pending !== undefined && bytesEqual(bytes, this.pending.result.commit)) {
      const before = this.members();
      this.adoptPending();
      return { ...own(), ...diffMembers(before, this.members()) };
    }
    if (this.lastOwnCommit !== undefined && bytesEqual(bytes, this.lastOwnCommit)) return own();

    const decoded = decodeMlsMessage(bytes, 0);
    if (decoded === undefined || decoded[1] !== bytes.length || decoded[0].wireformat !== 'mls_public_message') {
      throw new MlsCryptoError('INVALID_MESSAGE', where, 'not an MLS PublicMessage');
    }
    const pm = decoded[0].publicMessage;
    if (!bytesEqual(pm.content.groupId, this.state.groupContext.groupId)) {
      throw new MlsCryptoError('INVALID_MESSAGE', where, 'message for another group');
    }
    if (!this.active) throw new MlsCryptoError('NOT_A_MEMBER', where, 'no longer a member');
    const current = this.epoch;
    if (pm.content.epoch < current) throw new MlsCryptoError('STALE_COMMIT', where, `epoch ${pm.content.epoch} < ${current}`);
    if (pm.content.epoch > current) throw new MlsCryptoError('FUTURE_EPOCH', where, `epoch ${pm.content.epoch} > ${current}`);

    const before = this.members();
    const removedLeaves = new Set<number>();
    const observe: IncomingMessageCallback = (incoming) => {
      if (incoming.kind === 'commit') {
        for (const p of incoming.proposals) if (p.proposal.proposalType === 'remove') removedLeaves.add(p.proposal.remove.removed);
      }
      return 'accept';
    };
    let result: Awaited<ReturnType<typeof processPublicMessage>>;
    if (pm.content.contentType === 'commit') {
      await checkAddCredentials(this.ctx.auth, committedProposals(this.state, pm.content.commit.proposals));
    }
    try {
      result = await processPublicMessage(this.state, pm, makePskIndex(this.state, {}), this.ctx.cs, observe);
    } catch (error) {
      throw toMlsCryptoError(error, where, 'INVALID_MESSAGE');
    }
    if (pm.content.contentType !== 'commit') {
      this.state = result.newState;
      return { kind: 'proposal', epoch: this.epoch };
    }
    const removedSelf = result.newState.groupActiveState.kind === 'removedFromGroup';
    const after = removedSelf ? [] : members(result.newState.ratchetTree);
    const content = pm.content;
    const joinerKey = content.sender.senderType === 'new_member_commit' ? content.commit.path?.leafNode.signaturePublicKey : undefined;
    if (content.sender.senderType === 'new_member_commit' && joinerKey === undefined) {
      throw new MlsCryptoError('INVALID_MESSAGE', where, 'external commit without path');
    }
    const joiner = joinerKey && after.find((m) => bytesEqual(m.signaturePublicKey, joinerKey));
    const welcomeJoiner = joiner !== undefined && (await options.mayJoin?.(joiner.username)) === true;
    checkMembershipPolicy(before, after, removedLeaves, joinerKey, welcomeJoiner);

    const superseded = this.pending !== undefined;
    this.pending = undefined;
    this.state = pruneEpochs(result.newState, removedSelf ? 0 : this.ctx.retainPastEpochs);
    result.consumed.forEach(zeroOutUint8Array);
    const sender = content.sender;
    const committer =
      sender.senderType === 'member'
        ? before.find((m) => m.leafIndex === sender.leafIndex)
        : after.find((m) => joinerKey !== undefined && bytesEqual(m.signaturePublicKey, joinerKey));
    const diff = diffMembers(before, after);
    return {
      kind: 'commit',
      epoch: this.epoch,
      own: false,
      committer: committer && { username: committer.username, deviceId: committer.deviceId },
      added: diff.added,
      removed: removedSelf ? names(before.filter((m) => removedLeaves.has(m.leafIndex))) : diff.removed,
      removedSelf,
      supersededPendingCommit: superseded,
    };
  }

  private async commit(where: string, build: () => Proposal[]): Promise<PendingCommit> {
    return this.exclusive(async () => {
      this.assertCanSend(where);
      const proposals = build();
      await checkAddCredentials(this.ctx.auth, ownCommitProposals(this.state, proposals));
      let created: Awaited<ReturnType<typeof createCommit>>;
      let groupInfo: Uint8Array;
      try {
        created = await createCommit(
          { state: this.state, cipherSuite: this.ctx.cs },
          { wireAsPublicMessage: true, extraProposals: proposals, ratchetTreeExtension: true },
        );
        const gi = await createGroupInfoWithExternalPubAndRatchetTree(created.newState, [], this.ctx.cs);
        groupInfo = encodeMlsMessage({ version: 'mls10', wireformat: 'mls_group_info', groupInfo: gi });
      } catch (error) {
        throw toMlsCryptoError(error, where, 'INVALID_MESSAGE');
      }
      const welcome = created.welcome;
      const result: PendingCommit = {
        commit: encodeMlsMessage(created.commit),
        epoch: this.epoch,
        welcome: welcome && encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome }),
        welcomeKeyPackageRefs: welcome?.secrets.map((s) => s.newMember.slice()) ?? [],
        groupInfo,
      };
      this.pending = { newState: created.newState, consumed: created.consumed, result };
      return result;
    });
  }

  private adoptPending(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    const base = this.epoch;
    // Messages decrypted while the commit was pending advanced our current secret tree; carry that into history.
    const history = new Map(pending.newState.historicalReceiverData);
    const entry = history.get(base);
    if (entry !== undefined) history.set(base, { ...entry, secretTree: this.state.secretTree });
    this.state = pruneEpochs({ ...pending.newState, historicalReceiverData: history }, this.ctx.retainPastEpochs);
    pending.consumed.forEach(zeroOutUint8Array);
    this.lastOwnCommit = pending.result.commit;
    this.pending = undefined;
  }

  private assertCanSend(where: string): void {
    if (!this.active) throw new MlsCryptoError('NOT_A_MEMBER', where, 'no longer a member of this conversation');
    if (this.pending !== undefined) throw new MlsCryptoError('PENDING_COMMIT', where, 'a commit awaits the server');
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
