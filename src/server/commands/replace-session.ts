import { deleteSession, findSessionByTokenHash } from '../db/repositories/sessions.js';
import type { Deps } from '../deps.js';
import { hashToken } from '../security/tokens.js';

/**
 * A log-in (or sign-up) that arrives with a session cookie replaces that session: the browser's previous session ends
 * on the server at once (its sockets get `session:revoked` and are disconnected), whoever it belonged to, instead of
 * living on unseen until it expires. Called after the new session exists, so a failed log-in ends nothing.
 */
export async function endReplacedSession(deps: Deps, previousToken: string | undefined, newSessionId: string): Promise<void> {
  if (!previousToken || previousToken.length > 100) return;
  const session = await findSessionByTokenHash(deps.db, hashToken(previousToken));
  if (!session || session.id === newSessionId) return;
  await deleteSession(deps.db, session.id);
  deps.events.publish({ type: 'sessions.revoked', sessionIds: [session.id], reason: 'logout' });
}
