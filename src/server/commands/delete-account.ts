import type { BlobStore } from '../blobs/store.js';
import type { Db } from '../db/connect.js';
import { insertAccountSignal } from '../db/repositories/accounts.js';
import { eraseAccountRows } from '../db/repositories/account-erasure.js';
import { findConversation } from '../db/repositories/conversations.js';
import { findMessage } from '../db/repositories/messages.js';
import { findUserById } from '../db/repositories/users.js';
import type { DomainEvent, EventPublisher } from '../events/domain-events.js';
import { timeOrderedId } from '../ids.js';
import { presentContact } from '../presenters/contact.js';
import { presentMessage } from '../presenters/message.js';
import { conversationChanged } from './conversations/conversation-view.js';

export interface DeletedAccount {
  sessionIds: string[];
  groupsLeft: string[];
}

export interface DeleteAccountOptions {
  /** Where the user's uploads' bytes are; their rows go in the transaction, their bytes right after it. */
  blobs: Pick<BlobStore, 'remove'>;
  now?: number;
  /** Logs a failure to remove bytes after the commit (the rows are gone: nothing can reach them). */
  warn?: (err: unknown) => void;
}

/**
 * Deletes an account, for the user (`POST /api/account/delete`, after the password's proof) and for the operator
 * (`parley-admin delete`): one code path. Everything that names the user goes (db/repositories/account-erasure.ts):
 * sessions, devices, key packages, identity keys, vault, contacts, requests and blocks, pending Welcomes, uploads;
 * their messages become tombstones in every conversation; they leave every group (an owner hands ownership on as in
 * `leave`). The users row stays, marked deleted and without credentials or salt, so the name stays reserved.
 *
 * One transaction; the events (sockets revoked, contacts and groups changed, tombstones) are published after it. A
 * signal row lets every running server disconnect the account's sockets when the deletion is made from outside the
 * server (the admin tool); it is swept with the other signals after a day.
 */
export async function deleteAccount(db: Db, events: EventPublisher, userId: string, options: DeleteAccountOptions): Promise<DeletedAccount> {
  const now = options.now ?? Date.now();
  const user = await findUserById(db, userId);
  const erased = await db.transaction().execute(async (trx) => {
    const rows = await eraseAccountRows(trx, userId, now);
    await insertAccountSignal(trx, { id: timeOrderedId(), user_id: userId, reason: 'deleted', created_at: now });
    return rows;
  });
  await options.blobs.remove(erased.blobIds).catch((err: unknown) => options.warn?.(err));

  const after: DomainEvent[] = [{ type: 'sessions.revoked', sessionIds: erased.sessionIds, reason: 'deleted' }];
  if (user) {
    for (const other of erased.counterpartIds) {
      after.push({ type: 'contact.changed', toUserId: other, contact: presentContact(user.username, 'none', now, undefined) });
    }
  }
  for (const id of erased.groupsLeft) {
    after.push({ type: 'conversation.removed', conversationId: id, userId });
    const conversation = await findConversation(db, id);
    if (conversation) after.push(await conversationChanged(db, conversation, []));
  }
  for (const id of erased.tombstoned) {
    const row = await findMessage(db, id);
    if (row) after.push({ type: 'message.updated', message: presentMessage(row) });
  }
  for (const event of after) events.publish(event);
  return { sessionIds: erased.sessionIds, groupsLeft: erased.groupsLeft };
}
