import type { BlobStore } from '../blobs/store.js';
import { deleteAccount } from '../commands/delete-account.js';
import type { Db } from '../db/connect.js';
export { listUsers, serverStats, type ServerStats, type UserSummary } from '../db/repositories/admin-reports.js';
import { deleteAccountSignalsBefore, insertAccountSignal, setUserSuspended } from '../db/repositories/accounts.js';
import { deleteSessionsOfUser } from '../db/repositories/sessions.js';
import { findUserByUsername, type UserRow } from '../db/repositories/users.js';
import type { EventPublisher } from '../events/domain-events.js';
import { timeOrderedId } from '../ids.js';

/**
 * What the operator's tool (`npm run admin`, `parley-admin`) does, straight on the database with the server's
 * configuration. It reads and changes accounts, never message contents: it has none to show (bodies are ciphertext,
 * and no function here selects them; sizes are summed by the database).
 */

export class AdminError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

/** Signals older than this are swept (servers poll the last minute or two). */
const SIGNAL_KEEP_MS = 24 * 3_600_000;

async function requireUser(db: Db, username: string): Promise<UserRow> {
  const user = await findUserByUsername(db, username);
  if (!user || user.deleted_at) throw new AdminError(`No account is called ${username}.`, 3);
  return user;
}

async function signal(db: Db, userId: string, reason: 'suspended' | 'deleted', now: number): Promise<void> {
  await insertAccountSignal(db, { id: timeOrderedId(), user_id: userId, reason, created_at: now });
  await deleteAccountSignalsBefore(db, now - SIGNAL_KEEP_MS);
}

/** Suspends an account: log-in refused, every session ended, open sockets disconnected by the running servers. */
export async function suspendUser(db: Db, username: string, now = Date.now()): Promise<{ sessionsEnded: number }> {
  const user = await requireUser(db, username);
  if (user.suspended_at) throw new AdminError(`${user.username} is already suspended.`, 4);
  return db.transaction().execute(async (trx) => {
    await setUserSuspended(trx, user.id, now);
    const ended = await deleteSessionsOfUser(trx, user.id);
    await signal(trx, user.id, 'suspended', now);
    return { sessionsEnded: ended.length };
  });
}

export async function unsuspendUser(db: Db, username: string): Promise<void> {
  const user = await requireUser(db, username);
  if (!user.suspended_at) throw new AdminError(`${user.username} is not suspended.`, 4);
  await setUserSuspended(db, user.id, null);
}

/** The same deletion as the server's (commands/delete-account.ts); the running servers disconnect the sockets. */
export async function deleteUser(
  db: Db,
  username: string,
  blobs: Pick<BlobStore, 'remove'>,
): Promise<{ sessionsEnded: number; groupsLeft: number }> {
  const user = await requireUser(db, username);
  const noSockets: EventPublisher = { publish: () => undefined };
  const result = await deleteAccount(db, noSockets, user.id, { blobs });
  return { sessionsEnded: result.sessionIds.length, groupsLeft: result.groupsLeft.length };
}

