/** The plain types MlsConversation hands to the rest of the SDK (no ts-mls types leak through them). */
import type { CiphersuiteImpl } from 'ts-mls';
import type { DeviceAuthenticationService } from './authentication.js';
import type { DeviceName } from './identity.js';

export interface ConversationContext {
  cs: CiphersuiteImpl;
  auth: DeviceAuthenticationService;
  retainPastEpochs: number;
}

export interface DecryptedMessage {
  text: string;
  sender: DeviceName;
  epoch: bigint;
}

/** What a commit of ours produced; the server stores/routes it. Nothing here is secret. */
export interface PendingCommit {
  /** MLSMessage (PublicMessage) commit: goes into the group's log if the server accepts it for `epoch`. */
  commit: Uint8Array;
  /** The epoch the commit was made in (the server accepts only the first commit per epoch). */
  epoch: bigint;
  /** MLSMessage Welcome for added devices, or undefined. */
  welcome: Uint8Array | undefined;
  /** KeyPackageRefs the Welcome is addressed to: the server routes the Welcome to their owners. */
  welcomeKeyPackageRefs: Uint8Array[];
  /** MLSMessage GroupInfo of the new epoch (external_pub + ratchet_tree): the server keeps the latest for external joins. */
  groupInfo: Uint8Array;
}

export interface CommitOutcome {
  kind: 'commit';
  /** Our epoch after the commit. */
  epoch: bigint;
  /** Our own commit coming back from the server's log: applied (if still pending) and otherwise ignored. */
  own: boolean;
  committer: DeviceName | undefined;
  added: DeviceName[];
  removed: DeviceName[];
  /** This device was removed: the conversation can no longer encrypt or decrypt new messages. */
  removedSelf: boolean;
  /** Our own pending commit lost the race for this epoch and was dropped: redo the change now. */
  supersededPendingCommit: boolean;
}

export interface ProposalOutcome {
  kind: 'proposal';
  epoch: bigint;
}
