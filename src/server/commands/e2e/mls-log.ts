import { inspectMlsMessage } from '../../../mls/index.js';
import { isMlsApplication, MLS_COMMIT } from '../../../protocol/e2e.js';
import type { SendMessageRequest } from '../../../protocol/messages.js';
import type { Db } from '../../db/connect.js';
import { advanceEpoch, currentEpoch, findMlsGroup, insertWelcomes } from '../../db/repositories/mls-groups.js';
import type { DomainEvent } from '../../events/domain-events.js';
import { invalidMls, mlsCheck, noMlsGroup, staleEpoch } from './mls-input.js';
import { checkCommit, type CommitPlan } from './commit-check.js';
import type { Actor } from '../../policies/actor.js';
import { accessConversation } from '../access.js';
import { presentWelcome } from '../../presenters/e2e.js';

/**
 * What the MLS check of a send decided before its batch, as data: what the batch's transaction must still find true
 * of the group (and, for a commit, write) once the message took its sequence number (`applyMlsIntent`).
 * - `application`: an application message, accepted only if the group is still at `epoch`;
 * - `commit`: a checked commit, accepted only if it still takes the epoch it was made for (`plan.fromEpoch`).
 */
export type MlsIntent =
  | { kind: 'application'; conversationId: string; epoch: bigint }
  | { kind: 'commit'; conversationId: string; plan: CommitPlan };

/**
 * The MLS check of a send, before its batch. The group's ordered log is the conversation's message log. A commit
 * (`application/mls-commit`) is checked here against the group's state and the membership rules (checkCommit, which
 * needs the sender's membership); an application message (`application/mls-private`) has its framing checked (no
 * database needed; the sender's membership is decided in the batch, like every send's). Any other content type is
 * not MLS (undefined: stored as before). The epoch itself is decided in the batch (`applyMlsIntent`).
 */
export async function checkMlsSend(db: Db, actor: Actor, input: SendMessageRequest): Promise<MlsIntent | undefined> {
  if (input.contentType !== MLS_COMMIT && !isMlsApplication(input.contentType)) return undefined;
  const conversationId = input.conversationId;

  if (isMlsApplication(input.contentType)) {
    // The answers keep their order — no such conversation, then no MLS group, then a bad message — but membership and
    // the group are looked up here only when the framing is refused; on success both are decided in the batch.
    const refuse = async (err: unknown): Promise<never> => {
      await accessConversation(db, actor, conversationId);
      if (!(await findMlsGroup(db, conversationId))) throw noMlsGroup();
      throw err;
    };
    const framing = await mlsCheck('message', () => inspectMlsMessage(input.body)).catch(refuse);
    if (framing.type !== 'application' || framing.conversationId !== conversationId) {
      return refuse(invalidMls('message', 'it is not an MLS application message of this conversation'));
    }
    return { kind: 'application', conversationId, epoch: framing.epoch };
  }

  const access = await accessConversation(db, actor, conversationId);
  const group = await findMlsGroup(db, conversationId);
  if (!group) throw noMlsGroup();
  if (input.groupInfo === undefined) throw invalidMls('commit', 'it needs the GroupInfo of its new epoch');
  const plan = await checkCommit(db, actor, access, group, { body: input.body, welcome: input.welcome, groupInfo: input.groupInfo });
  return { kind: 'commit', conversationId, plan };
}

/**
 * An application message is accepted only while its group is at the message's epoch (`current`: the group's epoch in
 * the batch's transaction, undefined if the conversation is no MLS group). Pure; throws the refusal.
 */
export function checkApplicationEpoch(intent: Extract<MlsIntent, { kind: 'application' }>, current: number | undefined): void {
  if (current === undefined) throw noMlsGroup();
  const epoch = BigInt(current);
  if (intent.epoch < epoch) throw staleEpoch(Number(epoch));
  if (intent.epoch > epoch) throw invalidMls('message', `the group is at epoch ${epoch}`);
}

/**
 * The MLS part of a send inside its batch's transaction (commands/messages/store-batch.ts), right after the message
 * took its sequence number `seq` (on PostgreSQL that UPDATE holds the conversation's row lock, so every send and commit
 * of the conversation is serialised here; SQLite runs one transaction at a time), after the sends before it in the
 * batch. An application message needs the group still at its epoch. A commit takes its epoch only if the group is
 * still there: the epoch advances, the new GroupInfo replaces the old, and its Welcomes are stored, all with the
 * message itself. Returns the events to publish after commit; an AppError refuses this send only.
 */
export async function applyMlsIntent(trx: Db, intent: MlsIntent, seq: number, now: number): Promise<DomainEvent[]> {
  const { conversationId } = intent;
  if (intent.kind === 'application') {
    checkApplicationEpoch(intent, await currentEpoch(trx, conversationId));
    return [];
  }
  const { plan } = intent;
  if (!(await advanceEpoch(trx, conversationId, plan.fromEpoch, plan.groupInfo, seq, now))) {
    throw staleEpoch((await currentEpoch(trx, conversationId)) ?? plan.fromEpoch + 1);
  }
  const welcome = plan.welcome;
  if (!welcome) return [];
  const rows = welcome.recipients.map((r) => ({
    id: crypto.randomUUID(),
    user_id: r.userId,
    device_id: r.deviceId,
    key_package_ref: r.ref,
    conversation_id: conversationId,
    epoch: plan.fromEpoch + 1,
    commit_seq: seq,
    body: welcome.body,
    created_at: now,
    delivered_at: null,
  }));
  await insertWelcomes(trx, rows);
  return rows.map((row): DomainEvent => ({ type: 'welcome.created', userId: row.user_id, welcome: presentWelcome(row) }));
}
