import { dueMessages } from '../../db/repositories/disappearing.js';
import { findMessage, tombstoneMessage } from '../../db/repositories/messages.js';
import { deleteVaultRecordsOf } from '../../db/repositories/vault.js';
import type { Deps } from '../../deps.js';
import { presentMessage } from '../../presenters/message.js';
import { deleteBlobsOfMessage } from '../blobs/attach.js';

const SWEEP_BATCH = 100;

/**
 * The expiry sweep of disappearing messages, on the server's clock (`deps.clock`; tests move it): each message whose
 * expiry has come loses its ciphertext (a tombstone keeps its place in the log, so sequence numbers stay whole), its
 * sealed vault copies and its files, and every member's devices are told (`message:updated` with `expired`), so they
 * erase their plaintext, vault copy and search entry too. Returns how many messages expired.
 */
export async function sweepExpiredMessages(deps: Pick<Deps, 'db' | 'blobs' | 'clock' | 'events' | 'log'>): Promise<number> {
  const now = deps.clock.now();
  let expired = 0;
  for (;;) {
    const due = await dueMessages(deps.db, now, SWEEP_BATCH);
    for (const m of due) {
      await deps.db.transaction().execute(async (trx) => {
        await tombstoneMessage(trx, m.id, now);
        await deleteVaultRecordsOf(trx, m.conversation_id, m.seq);
      });
      await deleteBlobsOfMessage(deps, m.id).catch((err: unknown) => {
        deps.log.warn({ err, messageId: m.id }, 'files of an expired message not removed; the file sweep will');
      });
      const row = await findMessage(deps.db, m.id);
      if (row) deps.events.publish({ type: 'message.updated', message: presentMessage(row) });
    }
    expired += due.length;
    if (due.length < SWEEP_BATCH) return expired;
  }
}
