import type { MessageDto } from '../../../protocol/messages.js';
import { findMessage, tombstoneMessage, updateMessageBody } from '../../db/repositories/messages.js';
import type { Deps } from '../../deps.js';
import { notFound } from '../../errors.js';
import type { Actor } from '../../policies/actor.js';
import { accessConversation } from '../access.js';
import { assertCanChangeMessage } from '../../policies/conversations.js';
import { presentMessage } from '../../presenters/message.js';
import { deleteVaultRecordsOf } from '../../db/repositories/vault.js';
import { deleteBlobsOfMessage } from '../blobs/attach.js';

async function loadOwn(deps: Deps, actor: Actor, messageId: string, change: 'edit' | 'delete') {
  const message = await findMessage(deps.db, messageId);
  if (!message) throw notFound('No such message.');
  const access = await accessConversation(deps.db, actor, message.conversation_id).catch(() => {
    throw notFound('No such message.');
  });
  if (message.seq <= access.member.joined_seq) throw notFound('No such message.');
  assertCanChangeMessage(actor, message, change);
  return message;
}

export async function editMessage(deps: Deps, actor: Actor, messageId: string, contentType: string, body: Uint8Array): Promise<MessageDto> {
  await loadOwn(deps, actor, messageId, 'edit');
  await updateMessageBody(deps.db, messageId, contentType, body, Date.now());
  return published(deps, messageId);
}

/**
 * Deleting leaves a tombstone every member sees; the body is erased, and so are the sealed copies in vaults. The
 * files the message carried go once the tombstone is committed (access to them ended with it; the sweep collects any
 * that a failure here leaves).
 */
export async function deleteMessage(deps: Deps, actor: Actor, messageId: string): Promise<MessageDto> {
  const message = await loadOwn(deps, actor, messageId, 'delete');
  await deps.db.transaction().execute(async (trx) => {
    await tombstoneMessage(trx, messageId, Date.now());
    await deleteVaultRecordsOf(trx, message.conversation_id, message.seq);
  });
  await deleteBlobsOfMessage(deps, messageId).catch((err: unknown) => {
    deps.log.warn({ err, messageId }, 'files of a deleted message not removed; the sweep will');
  });
  return published(deps, messageId);
}

async function published(deps: Deps, messageId: string): Promise<MessageDto> {
  const row = await findMessage(deps.db, messageId);
  if (!row) throw notFound('No such message.');
  const message = presentMessage(row);
  deps.events.publish({ type: 'message.updated', message });
  return message;
}
