import type { SessionRow } from '../db/repositories/sessions.js';
import type { Actor } from './actor.js';

/** A user sees and revokes only their own sessions; someone else's session answers as not found. */
export function canManageSession(actor: Actor, session: SessionRow | undefined): session is SessionRow {
  return session !== undefined && session.user_id === actor.user.id;
}
