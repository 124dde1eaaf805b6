import type { AttachBlobsRequest } from '../../../protocol/blobs.js';
import type { Db } from '../../db/connect.js';
import {
  attachBlobRows,
  blobIdsOfMessage,
  collectableBlobIds,
  deleteBlobRows,
} from '../../db/repositories/blobs.js';
import { findMessage } from '../../db/repositories/messages.js';
import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import type { Actor } from '../../policies/actor.js';
import { accessOwnUpload } from './access.js';
import { accessConversation } from '../access.js';

/** An upload never attached to a message is collected this long after it began. */
export const UNATTACHED_BLOB_TTL_MS = 24 * 3_600_000;
/** Blobs collected per sweep query (the sweep repeats until none is left). */
const SWEEP_BATCH = 500;

export interface AttachTarget {
  uploaderId: string;
  conversationId: string;
  messageId: string;
  messageSeq: number;
  blobIds: string[];
}

/**
 * Binds blobs to the message that carries them, inside the caller's transaction: each must be a complete upload of
 * the sender, for this conversation, not yet attached (ids already bound to this very message count as done, so a
 * retried send is harmless). Throws NOT_FOUND otherwise, and the caller's transaction rolls back.
 *
 * The hook for the send path: call it in the batch's transaction with the stored message's id and seq when a send
 * carries `blobIds`.
 */
export async function attachBlobsInTransaction(trx: Db, target: AttachTarget): Promise<void> {
  const already = new Set(await blobIdsOfMessage(trx, target.messageId));
  const ids = [...new Set(target.blobIds)].filter((id) => !already.has(id));
  if (ids.length === 0) return;
  const bound = await attachBlobRows(trx, { ...target, ids, uploaderId: target.uploaderId });
  if (bound !== ids.length) {
    throw notFound('No such upload: attach only complete uploads of your own, made for this conversation.');
  }
}

/** `POST /api/blobs/attach`: the sender binds uploads to a message already stored. */
export async function attachBlobs(deps: Deps, actor: Actor, req: AttachBlobsRequest): Promise<void> {
  const message = await findMessage(deps.db, req.messageId);
  if (!message || message.sender_id !== actor.user.id || message.deleted_at !== null) throw notFound('No such message.');
  await accessConversation(deps.db, actor, message.conversation_id).catch(() => {
    throw notFound('No such message.');
  });
  await deps.db.transaction().execute((trx) =>
    attachBlobsInTransaction(trx, {
      uploaderId: actor.user.id,
      conversationId: message.conversation_id,
      messageId: message.id,
      messageSeq: message.seq,
      blobIds: req.blobIds,
    }),
  );
}

async function removeBlobs(deps: Pick<Deps, 'db' | 'blobs'>, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  // Bytes first: a row whose bytes are gone is unreachable anyway and is collected again on the next sweep.
  await deps.blobs.remove(ids);
  await deleteBlobRows(deps.db, ids);
}

/** The uploader drops an upload no message carries yet (a cancelled upload frees its quota at once). */
export async function deleteUpload(deps: Deps, actor: Actor, blobId: string): Promise<void> {
  const blob = await accessOwnUpload(deps.db, actor, blobId);
  if (blob.message_id !== null) throw new AppError('CONFLICT', 'This file belongs to a message: delete the message instead.');
  await removeBlobs(deps, [blobId]);
}

/**
 * The hook for message deletion: after the tombstone is committed, the message's blobs go from storage and table.
 * (Access ends with the tombstone itself: the read rule refuses a deleted message's blobs. The sweep collects any
 * that this call missed.)
 */
export async function deleteBlobsOfMessage(deps: Pick<Deps, 'db' | 'blobs'>, messageId: string): Promise<void> {
  await removeBlobs(deps, await blobIdsOfMessage(deps.db, messageId));
}

/**
 * The periodic collection: uploads never attached within a day, and blobs of deleted messages. `now` is the clock
 * (injected by tests). Returns how many blobs were removed.
 */
export async function sweepBlobs(deps: Pick<Deps, 'db' | 'blobs'>, now: number): Promise<number> {
  let removed = 0;
  for (;;) {
    const ids = await collectableBlobIds(deps.db, now - UNATTACHED_BLOB_TTL_MS, SWEEP_BATCH);
    const unique = [...new Set(ids)];
    await removeBlobs(deps, unique);
    removed += unique.length;
    if (ids.length < SWEEP_BATCH) return removed;
  }
}
