import { deleteSessions, listSessionsOfUser } from '../db/repositories/sessions.js';
import type { Deps } from '../deps.js';
import type { Actor } from '../policies/actor.js';
import { otherSessionsOf } from '../policies/sessions.js';

/**
 * "Sign out everywhere else": every other session of the actor ends now; their sockets get `session:revoked` and are
 * disconnected (after the delete, on every instance through the adapter). Returns how many ended.
 */
export async function revokeOtherSessions(deps: Deps, actor: Actor): Promise<number> {
  const others = otherSessionsOf(actor, await listSessionsOfUser(deps.db, actor.user.id));
  const ended = await deleteSessions(deps.db, actor.user.id, others.map((s) => s.id));
  deps.events.publish({ type: 'sessions.revoked', sessionIds: ended, reason: 'revoked' });
  return ended.length;
}
