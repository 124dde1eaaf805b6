import type { Db } from '../db/connect.js';
import { insertSession, type SessionRow } from '../db/repositories/sessions.js';
import type { Config } from '../config.js';
import type { RequestMeta } from '../deps.js';
import { hashToken, newSessionToken } from '../security/tokens.js';

/** A new session with a fresh random token (never reused across logins: no fixation). */
export async function createSession(
  db: Db,
  config: Config,
  userId: string,
  meta: RequestMeta,
): Promise<{ token: string; session: SessionRow }> {
  const token = newSessionToken();
  const now = Date.now();
  const session: SessionRow = {
    id: crypto.randomUUID(),
    user_id: userId,
    token_hash: hashToken(token),
    created_at: now,
    last_seen_at: now,
    expires_at: now + config.session.absoluteMs,
    user_agent: meta.userAgent ? meta.userAgent.slice(0, 256) : null,
  };
  await insertSession(db, session);
  return { token, session };
}
