import { deleteSession, findSessionById } from '../db/repositories/sessions.js';
import type { Deps } from '../deps.js';
import { notFound } from '../errors.js';
import type { Actor } from '../policies/actor.js';
import { canManageSession } from '../policies/sessions.js';

export async function revokeSession(deps: Deps, actor: Actor, sessionId: string): Promise<void> {
  const session = await findSessionById(deps.db, sessionId);
  if (!canManageSession(actor, session)) throw notFound('No such session.');
  await deleteSession(deps.db, session.id);
  deps.events.publish({ type: 'sessions.revoked', sessionIds: [session.id], reason: 'revoked' });
}
