import type { SessionRow } from '../db/repositories/sessions.js';
import type { Actor } from './actor.js';

/** A user sees and revokes only their own sessions; someone else's session answers as not found. */
export function canManageSession(actor: Actor, session: SessionRow | undefined): session is SessionRow {
  return session !== undefined && session.user_id === actor.user.id;
}

/**
 * "Sign out everywhere else": of the sessions given, those the actor may end at once: their own, all but the one
 * asking (a session never ends itself this way; that is log-out).
 */
export function otherSessionsOf(actor: Actor, sessions: SessionRow[]): SessionRow[] {
  return sessions.filter((s) => s.user_id === actor.user.id && s.id !== actor.session.id);
}
