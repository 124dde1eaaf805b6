import { deleteSession } from '../db/repositories/sessions.js';
import type { Deps } from '../deps.js';
import type { Actor } from '../policies/actor.js';

/** Ends the current session at once, and disconnects its sockets. */
export async function logOut(deps: Deps, actor: Actor): Promise<void> {
  await deleteSession(deps.db, actor.session.id);
  deps.events.publish({ type: 'sessions.revoked', sessionIds: [actor.session.id], reason: 'logout' });
}
