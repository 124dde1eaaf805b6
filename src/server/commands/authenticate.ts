import { deleteSession, findSessionByTokenHash, touchSession } from '../db/repositories/sessions.js';
import { findUserById } from '../db/repositories/users.js';
import type { Deps } from '../deps.js';
import type { Actor } from '../policies/actor.js';
import { hashToken } from '../security/tokens.js';

const TOUCH_EVERY_MS = 60_000;

/** Session token → actor, or undefined when the token is unknown, idle too long or past its absolute expiry. */
export async function authenticate(deps: Deps, token: string | undefined): Promise<Actor | undefined> {
  if (!token || token.length > 100) return undefined;
  const session = await findSessionByTokenHash(deps.db, hashToken(token));
  if (!session) return undefined;
  const now = Date.now();
  if (now >= session.expires_at || now >= session.last_seen_at + deps.config.session.idleMs) {
    await deleteSession(deps.db, session.id);
    return undefined;
  }
  const user = await findUserById(deps.db, session.user_id);
  if (!user || user.suspended_at || user.deleted_at) return undefined;
  if (now - session.last_seen_at > TOUCH_EVERY_MS) {
    await touchSession(deps.db, session.id, now);
    session.last_seen_at = now;
  }
  return { user, session };
}
