import { validateGroupInfo } from '../../../mls/index.js';
import type { WelcomeDto } from '../../../protocol/e2e.js';
import { findConversation } from '../../db/repositories/conversations.js';
import { findDevice } from '../../db/repositories/directory.js';
import { findMlsGroup, insertMlsGroup, markWelcomesDelivered, pendingWelcomes } from '../../db/repositories/mls-groups.js';
import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import type { Actor } from '../../policies/actor.js';
import { accessConversation } from '../access.js';
import { assertOwnActiveDevice } from '../../policies/e2e.js';
import { presentWelcome } from '../../presenters/e2e.js';
import { invalidMls, loadDeviceView, mlsCheck, noMlsGroup, sameBytes } from './mls-input.js';

export interface GroupState {
  conversationId: string;
  epoch: number;
  seq: number;
}

/**
 * Makes a conversation an MLS group: stores its epoch-0 GroupInfo, made by the creating device alone. Accepted once,
 * from a member, for that member's own registered device; a second init (even a concurrent one) is a CONFLICT, and
 * the loser joins the winner's group instead (Welcome or external join). A retry of the accepted init (the same
 * GroupInfo, while the group is still at epoch 0) is answered like the init.
 */
export async function initGroup(deps: Deps, actor: Actor, conversationId: string, groupInfo: Uint8Array): Promise<GroupState> {
  await accessConversation(deps.db, actor, conversationId);
  const info = await mlsCheck('GroupInfo', () => validateGroupInfo(groupInfo));
  if (info.conversationId !== conversationId) throw invalidMls('GroupInfo', 'it is for another conversation');
  if (info.epoch !== 0n || info.members.length !== 1) throw invalidMls('GroupInfo', 'a new group is at epoch 0 with one member');
  const view = await loadDeviceView(deps.db, conversationId, [info.signer.username]);
  assertOwnActiveDevice(actor, view.target(info.signer));
  const key = view.certifiedKey(info.signer);
  if (!key || !sameBytes(key, info.signer.signaturePublicKey)) throw invalidMls('GroupInfo', 'the leaf key is not the certified one');
  const now = Date.now();
  const seq = await deps.db.transaction().execute(async (trx) => {
    const conversation = await findConversation(trx, conversationId);
    if (!conversation) throw notFound('No such conversation.');
    const inserted = await insertMlsGroup(trx, {
      conversation_id: conversationId, epoch: 0, group_info: groupInfo, epoch_seq: conversation.last_seq, created_at: now, updated_at: now,
    });
    if (inserted) return conversation.last_seq;
    // The same init again (its answer was lost) gets the same answer while the group is as it made it. Other members
    // can read these bytes (mls:groupInfo), but the checks above let only the owner of the signing device send them, and
    // the answer tells nothing they cannot read already. Any other init is too late.
    const existing = await findMlsGroup(trx, conversationId);
    if (existing && Number(existing.epoch) === 0 && sameBytes(existing.group_info, groupInfo)) return existing.epoch_seq;
    throw new AppError('CONFLICT', 'This conversation already is an MLS group.');
  });
  return { conversationId, epoch: 0, seq };
}

/**
 * The latest GroupInfo, for an external join (a new device of a member, or a resync). Members only: for anyone else
 * the conversation does not exist.
 */
export async function getGroupInfo(deps: Deps, actor: Actor, conversationId: string): Promise<GroupState & { groupInfo: Uint8Array }> {
  await accessConversation(deps.db, actor, conversationId);
  const group = await findMlsGroup(deps.db, conversationId);
  if (!group) throw noMlsGroup();
  return { conversationId, epoch: Number(group.epoch), seq: group.epoch_seq, groupInfo: group.group_info };
}

async function ownDevice(deps: Deps, actor: Actor, deviceId: string): Promise<void> {
  const device = await findDevice(deps.db, actor.user.id, deviceId);
  if (!device || device.revoked_at !== null) throw notFound('No such device.');
}

/** Welcomes waiting for one of your devices (also pushed live as `welcome` events), oldest first. */
export async function listWelcomes(deps: Deps, actor: Actor, deviceId: string): Promise<WelcomeDto[]> {
  await ownDevice(deps, actor, deviceId);
  return (await pendingWelcomes(deps.db, actor.user.id, deviceId)).map(presentWelcome);
}

/** The device has joined (or given up on) these Welcomes: they are erased and no longer listed. */
export async function ackWelcomes(deps: Deps, actor: Actor, deviceId: string, ids: string[]): Promise<void> {
  await ownDevice(deps, actor, deviceId);
  await markWelcomesDelivered(deps.db, actor.user.id, deviceId, ids, Date.now());
}
