import type { ContactDto } from '../../../protocol/contacts.js';
import { listRelationships } from '../../db/repositories/contacts.js';
import type { Deps } from '../../deps.js';
import type { Actor } from '../../policies/actor.js';
import { presentContact } from '../../presenters/contact.js';

export async function listContacts(deps: Deps, actor: Actor): Promise<ContactDto[]> {
  const rows = await listRelationships(deps.db, actor.user.id);
  const online = await deps.presence.onlineMany(rows.filter((r) => r.state === 'accepted').map((r) => r.user_id));
  return rows.map((r) => presentContact(r.username, r.state, r.since, r.state === 'accepted' ? online.has(r.user_id) : undefined));
}
