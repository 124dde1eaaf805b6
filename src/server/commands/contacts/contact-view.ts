import type { ContactDto } from '../../../protocol/contacts.js';
import type { Db } from '../../db/connect.js';
import { getRelationship } from '../../db/repositories/contacts.js';
import type { Deps } from '../../deps.js';
import { presentContact } from '../../presenters/contact.js';
import { isOnline } from '../../realtime/presence.js';

/** How `viewerId` sees `other` right now (presence only for accepted contacts). */
export async function contactView(deps: Deps, db: Db, viewerId: string, other: { id: string; username: string }): Promise<ContactDto> {
  const rel = await getRelationship(db, viewerId, other.id);
  const state = rel.iBlocked ? 'blocked' : rel.contact ? 'accepted' : rel.outgoing ? 'outgoing' : rel.incoming ? 'incoming' : 'none';
  return presentContact(other.username, state, Date.now(), state === 'accepted' ? await isOnline(deps.presence, other.id) : undefined);
}

/**
 * The answer about a user who has not shown themselves to the viewer (no contact, no request from them), or about a
 * name nobody has: the name exactly as the viewer typed it, so that neither its existence nor its letter case leaks.
 */
export function strangerView(typed: string, state: ContactDto['state']): ContactDto {
  return presentContact(typed, state, Date.now(), undefined);
}
