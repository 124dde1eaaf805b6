import {
  inspectMlsMessage,
  validateGroupInfo,
  verifyHandshakeSignature,
  type DeviceName,
  type Member,
  type MlsFraming,
} from '../../../mls/index.js';
import { keyPackagesByRefs } from '../../db/repositories/directory.js';
import type { MlsGroupRow } from '../../db/repositories/mls-groups.js';
import type { Db } from '../../db/connect.js';
import { AppError } from '../../errors.js';
import type { Actor } from '../../policies/actor.js';
import type { Access } from '../../policies/conversations.js';
import { assertCanAddDevice, assertCanJoinExternally, assertCanRemoveDevice, assertOwnActiveDevice } from '../../policies/e2e.js';
import { toBase64Url } from '../../presenters/e2e.js';
import { deviceKey, invalidMls, loadDeviceView, mlsCheck, sameBytes, staleEpoch, type DeviceView } from './mls-input.js';

/** What an accepted commit changes, once its transaction takes the epoch. */
export interface CommitPlan {
  fromEpoch: number;
  groupInfo: Uint8Array;
  welcome: { body: Uint8Array; recipients: { userId: string; deviceId: string; ref: string }[] } | undefined;
}

type CommitFraming = Extract<MlsFraming, { type: 'commit' | 'proposal' }>;

const bad = (why: string) => invalidMls('commit', why);
const names = (ms: DeviceName[]) => ms.map(deviceKey).sort();

/**
 * The delivery service's check of a commit against the group's state and Parley's membership rules, with public
 * data only: its epoch is the group's current one; it is signed by the leaf it names in the stored GroupInfo (a
 * device of the session's user) or, for an external commit, by a new device of the session's user; its adds and
 * removes follow the policies; the new GroupInfo is the next epoch's, signed by the committer, and names exactly the
 * devices the commit leaves in the group; a Welcome goes with every add and only to the KeyPackages the server
 * handed out for the added devices. Throws STALE_EPOCH for an epoch already left (another commit won it).
 */
export async function checkCommit(
  db: Db,
  actor: Actor,
  access: Access,
  group: MlsGroupRow,
  input: { body: Uint8Array; welcome: Uint8Array | undefined; groupInfo: Uint8Array },
): Promise<CommitPlan> {
  const conversationId = access.conversation.id;
  const current = Number(group.epoch);
  const framing = await mlsCheck('commit', () => inspectMlsMessage(input.body));
  if (framing.type !== 'commit' || framing.conversationId !== conversationId) throw bad('it is not a commit of this conversation');
  if (framing.epoch < BigInt(current)) throw staleEpoch(current);
  if (framing.epoch > BigInt(current)) throw bad(`the group is at epoch ${current}`);
  if (framing.referencedProposals > 0) throw bad('proposals must be carried inline');
  if (!(await mlsCheck('commit', () => verifyHandshakeSignature(input.body, group.group_info)))) throw bad('its signature does not verify');

  const old = await mlsCheck('stored GroupInfo', () => inspectMlsMessage(group.group_info));
  if (old.type !== 'group_info') throw bad('no stored GroupInfo');
  const next = await mlsCheck('GroupInfo', () => validateGroupInfo(input.groupInfo));
  if (next.conversationId !== conversationId || next.epoch !== framing.epoch + 1n) {
    throw invalidMls('GroupInfo', 'it is not the next epoch of this conversation');
  }
  const mentioned = [...old.members, ...framing.added, ...next.members, ...(framing.joiner ? [framing.joiner] : [])];
  const view = await loadDeviceView(db, conversationId, [...new Set(mentioned.map((m) => m.username))]);

  const { committer, remaining } =
    framing.sender.type === 'new_member_commit'
      ? checkExternal(actor, framing, old.members, view)
      : checkMember(actor, access, framing, old.members, view);

  // The new GroupInfo must describe the group this commit makes, signed by the committer.
  if (names(next.members).join('\n') !== names(remaining).join('\n')) throw invalidMls('GroupInfo', 'its members are not the commit\'s result');
  if (deviceKey(next.signer) !== deviceKey(committer)) throw invalidMls('GroupInfo', 'it is not signed by the committer');
  for (const m of next.members) {
    const known = old.members.some((o) => deviceKey(o) === deviceKey(m) && sameBytes(o.signaturePublicKey, m.signaturePublicKey));
    const certified = view.certifiedKey(m);
    if (!known && (certified === undefined || !sameBytes(certified, m.signaturePublicKey))) {
      throw invalidMls('GroupInfo', `the key of ${m.username}/${m.deviceId} is not the certified one`);
    }
  }
  return { fromEpoch: current, groupInfo: input.groupInfo, welcome: await routeWelcome(db, framing.added, view, input.welcome) };
}

/** A member's commit: sent from the session user's own active device; adds and removes follow the policies. */
function checkMember(actor: Actor, access: Access, framing: CommitFraming, old: Member[], view: DeviceView) {
  if (framing.sender.type !== 'member') throw bad('only members and new members commit');
  const leafIndex = framing.sender.leafIndex;
  const sender = old.find((m) => m.leafIndex === leafIndex);
  if (!sender) throw bad('its sender is not a leaf of the group');
  assertOwnActiveDevice(actor, view.target(sender));
  if (framing.otherProposals.length > 0) throw bad('a member\'s commit may only add and remove devices');
  const removed = new Set(framing.removedLeaves);
  if (removed.size !== framing.removedLeaves.length) throw bad('a device is removed twice');
  const leaving: Member[] = [];
  for (const index of removed) {
    const target = old.find((m) => m.leafIndex === index);
    if (!target) throw bad('it removes an empty leaf');
    assertCanRemoveDevice(access, actor, view.target(target));
    leaving.push(target);
  }
  const remaining: DeviceName[] = old.filter((m) => !removed.has(m.leafIndex));
  for (const device of framing.added) {
    if (remaining.some((m) => deviceKey(m) === deviceKey(device))) throw bad(`${device.username}/${device.deviceId} is already in the group`);
    assertCanAddDevice(access, actor, view.target(device));
    remaining.push(device);
  }
  return { committer: sender, remaining };
}

/**
 * An external commit: a device of the session's own user, who is a current member, joining by itself. It may remove
 * only that same device's old leaf (a resync), and add nobody else.
 */
function checkExternal(actor: Actor, framing: CommitFraming, old: Member[], view: DeviceView) {
  const joiner = framing.joiner;
  if (!joiner) throw bad('an external commit must name its joiner');
  assertCanJoinExternally(actor, view.target(joiner));
  if (framing.added.length > 0 || framing.otherProposals.some((p) => p !== 'external_init')) {
    throw bad('an external commit may only bring its own device');
  }
  const removed = new Set(framing.removedLeaves);
  for (const index of removed) {
    const target = old.find((m) => m.leafIndex === index);
    if (!target || deviceKey(target) !== deviceKey(joiner)) {
      throw new AppError('FORBIDDEN', 'An external join may only replace its own device.');
    }
  }
  const remaining: DeviceName[] = old.filter((m) => !removed.has(m.leafIndex));
  if (remaining.some((m) => deviceKey(m) === deviceKey(joiner))) throw bad('that device is already in the group; resync replaces it');
  remaining.push(joiner);
  return { committer: joiner, remaining };
}

/**
 * A commit that adds devices comes with one Welcome addressed to exactly their KeyPackages: each ref must be one the
 * server handed out, for one of the added devices, one per device. It is stored only if the commit is accepted.
 */
async function routeWelcome(db: Db, added: DeviceName[], view: DeviceView, welcome: Uint8Array | undefined): Promise<CommitPlan['welcome']> {
  if (added.length === 0) {
    if (welcome !== undefined) throw invalidMls('Welcome', 'the commit adds nobody');
    return undefined;
  }
  if (welcome === undefined) throw invalidMls('Welcome', 'a commit that adds devices needs one');
  const framing = await mlsCheck('Welcome', () => inspectMlsMessage(welcome));
  if (framing.type !== 'welcome') throw invalidMls('Welcome', 'it is not a Welcome');
  const refs = framing.keyPackageRefs.map(toBase64Url);
  const rows = await keyPackagesByRefs(db, refs);
  const expected = new Set(added.map((d) => `${view.userId(d.username) ?? ''}\u0000${d.deviceId}`));
  const recipients = refs.map((ref) => {
    const row = rows.find((r) => r.ref === ref);
    if (!row || !expected.delete(`${row.user_id}\u0000${row.device_id}`)) {
      throw invalidMls('Welcome', 'it is addressed to a KeyPackage the server did not hand out for an added device');
    }
    return { userId: row.user_id, deviceId: row.device_id, ref };
  });
  if (expected.size > 0) throw invalidMls('Welcome', 'it is not addressed to every added device');
  return { body: welcome, recipients };
}
