import type { ContactDto } from '../../../protocol/contacts.js';
import { deleteRequest, deleteRequests, insertContactPair } from '../../db/repositories/contacts.js';
import type { Deps } from '../../deps.js';
import { AfterCommit } from '../../events/domain-events.js';
import { notFound } from '../../errors.js';
import type { Actor } from '../../policies/actor.js';
import { resolveOtherUser } from '../resolve-user.js';
import { contactView } from './contact-view.js';

/** Accepts a request from `username`: both become contacts, and both hear it live. */
export async function acceptContact(deps: Deps, actor: Actor, username: string): Promise<ContactDto> {
  const other = await resolveOtherUser(deps.db, actor, username);
  const me = { id: actor.user.id, username: actor.user.username };
  const after = new AfterCommit();
  const view = await deps.db.transaction().execute(async (trx) => {
    if (!(await deleteRequest(trx, other.id, me.id))) throw notFound(`There is no request from ${other.username}.`);
    await deleteRequests(trx, me.id, other.id);
    await insertContactPair(trx, me.id, other.id, Date.now());
    after.add({ type: 'contact.changed', toUserId: other.id, contact: await contactView(deps, trx, other.id, me) });
    return contactView(deps, trx, me.id, other);
  });
  after.flush(deps.events);
  return view;
}

/** Declines a request from `username` (the requester is not told). */
export async function declineContact(deps: Deps, actor: Actor, username: string): Promise<ContactDto> {
  const other = await resolveOtherUser(deps.db, actor, username);
  if (!(await deleteRequest(deps.db, other.id, actor.user.id))) throw notFound(`There is no request from ${other.username}.`);
  return contactView(deps, deps.db, actor.user.id, other);
}

/** Withdraws your own request to `username`; their incoming request disappears live. */
export async function cancelContactRequest(deps: Deps, actor: Actor, username: string): Promise<ContactDto> {
  const other = await resolveOtherUser(deps.db, actor, username);
  if (!(await deleteRequest(deps.db, actor.user.id, other.id))) throw notFound(`You have no request to ${other.username}.`);
  const me = { id: actor.user.id, username: actor.user.username };
  deps.events.publish({ type: 'contact.changed', toUserId: other.id, contact: await contactView(deps, deps.db, other.id, me) });
  return contactView(deps, deps.db, actor.user.id, other);
}
