import type { MessageDto, SendMessageRequest } from '../../../protocol/messages.js';
import type { Db } from '../../db/connect.js';
import type { Deps } from '../../deps.js';
import { timeOrderedId } from '../../ids.js';
import type { Actor } from '../../policies/actor.js';
import { checkMlsSend, type MlsIntent } from '../e2e/mls-log.js';
import { findReplay } from './store-batch.js';
import type { PendingSend } from './send-types.js';

/*
 * `messages:send`, stage by stage. Each stage is a function of what the stage before it produced; what one stage
 * decides for a later one travels as data (an MlsIntent, a PendingSend, a SendOutcome), never as a closure.
 *
 *  stage            input → output                         function                              file
 *  1 parse          payload → SendMessageRequest           the protocol schema, at the edge      realtime/event-adapter.ts
 *  2 MLS check      SendMessageRequest → MlsIntent | none  checkSend → checkMlsSend              here, e2e/mls-log.ts
 *    (a commit is authorized here against the group: membership, roles, devices — e2e/commit-check.ts)
 *                   → PendingSend                          toPendingSend                         here
 *  3 store in the batch (SendQueue.submit gathers the sends of one turn; one transaction: send-queue.ts)
 *    replay         keys already stored → their messages   storeBatch (one query)                store-batch.ts
 *    authorize      standings → writes | refusals          authorizeSends (policy assertCanSend) store-batch.ts
 *    sequence + MLS seqs taken; each MlsIntent applied     applyMlsIntent (epoch, Welcomes)      e2e/mls-log.ts
 *    write          rows inserted, read positions moved    storeBatch                            store-batch.ts
 *    files          uploads bound to their message         attachBlobsInTransaction              blobs/attach.ts
 *  4 fan out        SendOutcome[] → events published       fanOut                                send-queue.ts
 *  5 acknowledge    SendOutcome[] → each sender's answer   acknowledge                           send-queue.ts
 *
 * Fan-out and acknowledgement both run after the commit, in that order, in the same turn of the event loop: the
 * acknowledgement means durably stored. Sends arriving together share one transaction, with the result of storing
 * them one by one (store-batch.ts).
 */

/** The whole path for one send: its answer is the stored message (a retry's answer is the message stored first). */
export async function sendMessage(deps: Deps, actor: Actor, input: SendMessageRequest): Promise<MessageDto> {
  const checked = await checkSend(deps.db, actor, input);
  if ('replay' in checked) return checked.replay;
  return deps.sends.submit(toPendingSend(actor, input, checked.mls, deps.clock.now()));
}

/**
 * Stage 2, the MLS check before the batch. A send that it refuses may still be a retry of a message stored earlier:
 * that message is its answer, whatever changed since (a removed member, a later epoch).
 */
export async function checkSend(db: Db, actor: Actor, input: SendMessageRequest): Promise<{ mls: MlsIntent | undefined } | { replay: MessageDto }> {
  try {
    return { mls: await checkMlsSend(db, actor, input) };
  } catch (err) {
    const replay = await findReplay(db, actor.user.id, input.clientKey, input.conversationId);
    if (replay) return { replay };
    throw err;
  }
}

/** The row a checked send will store: the sender from the session, `seq` still 0 (taken inside the batch). */
export function toPendingSend(actor: Actor, input: SendMessageRequest, mls: MlsIntent | undefined, now: number): PendingSend {
  return {
    row: {
      // Time-ordered (UUIDv7): new messages are appended to the id index instead of dirtying a random page each.
      id: timeOrderedId(),
      conversation_id: input.conversationId,
      seq: 0,
      sender_id: actor.user.id,
      client_key: input.clientKey,
      content_type: input.contentType,
      body: input.body,
      created_at: now,
      edited_at: null,
      deleted_at: null,
    },
    senderName: actor.user.username,
    mls,
    blobIds: input.blobIds ? [...new Set(input.blobIds)] : [],
  };
}
