import { inspectMlsMessage } from '../../../mls/index.js';
import { MLS_COMMIT, MLS_PRIVATE } from '../../../protocol/e2e.js';
import type { SendMessageRequest } from '../../../protocol/messages.js';
import type { Db } from '../../db/connect.js';
import { advanceEpoch, currentEpoch, findMlsGroup, insertWelcomes } from '../../db/repositories/mls-groups.js';
import type { Deps } from '../../deps.js';
import type { DomainEvent } from '../../events/domain-events.js';
import { invalidMls, mlsCheck } from './mls-input.js';
import { checkCommit, staleEpoch } from './commit-check.js';
import { noMlsGroup } from './mls-groups.js';
import type { Actor } from '../../policies/actor.js';
import { accessConversation } from '../../policies/conversations.js';
import { presentWelcome } from '../../presenters/e2e.js';

/**
 * The MLS part of a send, run inside the transaction of the send's batch (commands/messages/store-batch.ts) right after
 * the message took its sequence number (on PostgreSQL that UPDATE holds the conversation's row lock, so every send and
 * commit of the conversation is serialised here; SQLite runs one transaction at a time), after the sends before it in
 * the batch. Returns the events to publish after commit; an AppError refuses this send only.
 */
export type MlsStep = (trx: Db, seq: number, now: number) => Promise<DomainEvent[]>;

/**
 * The group's ordered log is the conversation's message log. A commit (`application/mls-commit`) is checked before
 * the transaction (checkCommit, which needs the sender's membership) and takes its epoch inside it: only if the group
 * is still at the commit's epoch does the epoch advance, the new GroupInfo replace the old, and its Welcomes get
 * stored, all with the message itself. An application message (`application/mls-private`) is accepted only for the
 * group's current epoch, read in the transaction; its framing is checked before (no database needed; the sender's
 * membership is checked in the transaction, like every send's). Any other content type is not MLS (undefined: stored
 * as before).
 */
export async function prepareMlsSend(deps: Deps, actor: Actor, input: SendMessageRequest): Promise<MlsStep | undefined> {
  if (input.contentType !== MLS_COMMIT && input.contentType !== MLS_PRIVATE) return undefined;
  const conversationId = input.conversationId;

  if (input.contentType === MLS_PRIVATE) {
    // The answers keep their order — no such conversation, then no MLS group, then a bad message — but membership and
    // the group are looked up here only when the framing is refused; on success both are decided in the batch.
    const refuse = async (err: unknown): Promise<never> => {
      await accessConversation(deps.db, actor, conversationId);
      if (!(await findMlsGroup(deps.db, conversationId))) throw noMlsGroup();
      throw err;
    };
    const framing = await mlsCheck('message', () => inspectMlsMessage(input.body)).catch(refuse);
    if (framing.type !== 'application' || framing.conversationId !== conversationId) {
      return refuse(invalidMls('message', 'it is not an MLS application message of this conversation'));
    }
    return async (trx) => {
      const current = await currentEpoch(trx, conversationId);
      if (current === undefined) throw noMlsGroup();
      const epoch = BigInt(current);
      if (framing.epoch < epoch) throw staleEpoch(Number(epoch));
      if (framing.epoch > epoch) throw invalidMls('message', `the group is at epoch ${epoch}`);
      return [];
    };
  }

  const access = await accessConversation(deps.db, actor, conversationId);
  const group = await findMlsGroup(deps.db, conversationId);
  if (!group) throw noMlsGroup();
  if (input.groupInfo === undefined) throw invalidMls('commit', 'it needs the GroupInfo of its new epoch');
  const plan = await checkCommit(deps, actor, access, group, { body: input.body, welcome: input.welcome, groupInfo: input.groupInfo });
  return async (trx, seq, now) => {
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
  };
}
