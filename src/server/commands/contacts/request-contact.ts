import type { ContactDto } from '../../../protocol/contacts.js';
import { deleteRequests, getRelationship, insertContactPair, insertRequest } from '../../db/repositories/contacts.js';
import type { Deps } from '../../deps.js';
import { AfterCommit } from '../../events/domain-events.js';
import type { Actor } from '../../policies/actor.js';
import { decideContactRequest } from '../../policies/contacts.js';
import { resolveOtherUser } from '../resolve-user.js';
import { contactView } from './contact-view.js';

/**
 * Asks another user to be a contact. A request both ways becomes a contact at once. A request to someone who blocked
 * you looks sent but reaches nobody (messaging them still answers BLOCKED).
 */
export async function requestContact(deps: Deps, actor: Actor, username: string): Promise<ContactDto> {
  const other = await resolveOtherUser(deps.db, actor, username);
  const me = { id: actor.user.id, username: actor.user.username };
  const after = new AfterCommit();
  const view = await deps.db.transaction().execute(async (trx) => {
    const rel = await getRelationship(trx, me.id, other.id);
    const decision = decideContactRequest(rel, other.username);
    if (decision === 'contact') return contactView(deps, trx, me.id, other);
    if (decision === 'silent') return { ...(await contactView(deps, trx, me.id, other)), state: 'outgoing' as const };
    const now = Date.now();
    if (rel.incoming) {
      await deleteRequests(trx, me.id, other.id);
      await insertContactPair(trx, me.id, other.id, now);
    } else {
      await insertRequest(trx, me.id, other.id, now);
    }
    after.add({ type: 'contact.changed', toUserId: other.id, contact: await contactView(deps, trx, other.id, me) });
    return contactView(deps, trx, me.id, other);
  });
  after.flush(deps.events);
  return view;
}
