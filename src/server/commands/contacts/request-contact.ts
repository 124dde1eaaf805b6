import type { ContactDto } from '../../../protocol/contacts.js';
import { deleteRequests, getRelationship, insertContactPair, insertRequest } from '../../db/repositories/contacts.js';
import type { Deps } from '../../deps.js';
import { AfterCommit } from '../../events/domain-events.js';
import type { Actor } from '../../policies/actor.js';
import { decideContactRequest } from '../../policies/contacts.js';
import { findOtherUser } from '../resolve-user.js';
import { contactView, strangerView } from './contact-view.js';

/**
 * Asks another user to be a contact. A request both ways becomes a contact at once. A request to someone who blocked
 * you, or to a name without an account, looks sent (`outgoing`, the name as typed) but reaches nobody (messaging them
 * still answers BLOCKED).
 */
export async function requestContact(deps: Deps, actor: Actor, username: string): Promise<ContactDto> {
  const other = await findOtherUser(deps.db, actor, username);
  if (!other) return strangerView(username, 'outgoing');
  const me = { id: actor.user.id, username: actor.user.username };
  const after = new AfterCommit();
  const view = await deps.db.transaction().execute(async (trx) => {
    const rel = await getRelationship(trx, me.id, other.id);
    const decision = decideContactRequest(rel, username);
    if (decision === 'contact') return contactView(deps, trx, me.id, other);
    if (decision === 'silent') return strangerView(username, 'outgoing');
    const now = Date.now();
    if (rel.incoming) {
      await deleteRequests(trx, me.id, other.id);
      await insertContactPair(trx, me.id, other.id, now);
    } else {
      await insertRequest(trx, me.id, other.id, now);
    }
    after.add({ type: 'contact.changed', toUserId: other.id, contact: await contactView(deps, trx, other.id, me) });
    return rel.incoming ? contactView(deps, trx, me.id, other) : strangerView(username, 'outgoing');
  });
  after.flush(deps.events);
  return view;
}
