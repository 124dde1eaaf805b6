/**
 * The credentials of a commit's Adds, checked one at a time before ts-mls sees the commit.
 *
 * ts-mls 1.6.4 checks the KeyPackages of a commit's Adds in parallel (an async `reduce` whose step awaits its own check
 * before the previous step): when two checks fail, the first failure is never awaited, an unhandled rejection that
 * ends a Node process (a bot, the terminal client). A directory outage fails every check at once. Checking each Add's
 * credential here first, in order, turns the first failure into one clean rejection, and leaves ts-mls's own checks
 * to answer from the authentication service's cache.
 */
import { bytesToBase64, type ClientState, type Proposal } from 'ts-mls';
import type { ProposalOrRef } from 'ts-mls/proposalOrRefType.js';
import type { DeviceAuthenticationService } from './authentication.js';

/** The proposals a received commit applies: its own, and those it names by reference that this state holds. */
export function committedProposals(state: ClientState, items: readonly ProposalOrRef[]): Proposal[] {
  return items.flatMap((item) => {
    if (item.proposalOrRefType === 'proposal') return [item.proposal];
    const held = state.unappliedProposals[bytesToBase64(item.reference)];
    return held ? [held.proposal] : [];
  });
}

/** The proposals a commit of ours applies: the ones we add, and every one received this epoch (ts-mls includes them). */
export function ownCommitProposals(state: ClientState, extra: readonly Proposal[]): Proposal[] {
  return [...extra, ...Object.values(state.unappliedProposals).map((p) => p.proposal)];
}

/**
 * Authenticates the credential of every Add, one after the other. Throws CREDENTIAL_REJECTED or DIRECTORY_UNAVAILABLE
 * (MlsCryptoError) at the first that fails; nothing to do for fewer than two Adds (ts-mls handles one failure well).
 */
export async function checkAddCredentials(auth: DeviceAuthenticationService, proposals: readonly Proposal[]): Promise<void> {
  const adds = proposals.flatMap((p) => (p.proposalType === 'add' ? [p.add.keyPackage.leafNode] : []));
  if (adds.length < 2) return;
  for (const leaf of adds) await auth.authenticate(leaf.credential, leaf.signaturePublicKey);
}
