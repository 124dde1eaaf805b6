import type { ContactDto } from '../../../protocol/contacts.js';
import { deleteBlock, deleteContactPair, deleteRequests, getRelationship, insertBlock } from '../../db/repositories/contacts.js';
import type { Deps } from '../../deps.js';
import { AfterCommit } from '../../events/domain-events.js';
import { notFound } from '../../errors.js';
import type { Actor } from '../../policies/actor.js';
import { findOtherUser } from '../resolve-user.js';
import { contactView, strangerView } from './contact-view.js';

/** Ends a contact, both ways. A name without an account answers like a user who is not a contact. */
export async function removeContact(deps: Deps, actor: Actor, username: string): Promise<ContactDto> {
  const other = await findOtherUser(deps.db, actor, username);
  const me = { id: actor.user.id, username: actor.user.username };
  if (!other || !(await deleteContactPair(deps.db, me.id, other.id))) throw notFound(`${username} is not one of your contacts.`);
  deps.events.publish({ type: 'contact.changed', toUserId: other.id, contact: await contactView(deps, deps.db, other.id, me) });
  return contactView(deps, deps.db, me.id, other);
}

/**
 * Blocks a user: ends the contact and any request, stops their requests, their direct messages and their view of
 * your presence. They see the contact end, not the block. Blocking a name without an account answers `blocked` like
 * blocking a stranger, and stores nothing.
 */
export async function blockUser(deps: Deps, actor: Actor, username: string): Promise<ContactDto> {
  const other = await findOtherUser(deps.db, actor, username);
  if (!other) return strangerView(username, 'blocked');
  const me = { id: actor.user.id, username: actor.user.username };
  const after = new AfterCommit();
  const view = await deps.db.transaction().execute(async (trx) => {
    const rel = await getRelationship(trx, me.id, other.id);
    await deleteContactPair(trx, me.id, other.id);
    await deleteRequests(trx, me.id, other.id);
    await insertBlock(trx, me.id, other.id, Date.now());
    after.add({ type: 'contact.changed', toUserId: other.id, contact: await contactView(deps, trx, other.id, me) });
    return rel.contact || rel.incoming ? contactView(deps, trx, me.id, other) : strangerView(username, 'blocked');
  });
  after.flush(deps.events);
  return view;
}

/** Lifts a block. A name without an account answers like a stranger never blocked (`none`). */
export async function unblockUser(deps: Deps, actor: Actor, username: string): Promise<ContactDto> {
  const other = await findOtherUser(deps.db, actor, username);
  if (!other) return strangerView(username, 'none');
  await deleteBlock(deps.db, actor.user.id, other.id);
  const view = await contactView(deps, deps.db, actor.user.id, other);
  return view.state === 'none' || view.state === 'outgoing' ? { ...view, username } : view;
}
