import type { SessionRow } from '../db/repositories/sessions.js';
import type { UserRow } from '../db/repositories/users.js';

/** Who is acting: always taken from the session, never from the request. */
export interface Actor {
  user: UserRow;
  session: SessionRow;
}
