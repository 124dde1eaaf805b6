import type { ContactDto } from '../../../protocol/contacts.js';
import { deleteRequest, deleteRequests, insertContactPair } from '../../db/repositories/contacts.js';
import type { Deps } from '../../deps.js';
import { AfterCommit } from '../../events/domain-events.js';
import { notFound } from '../../errors.js';
import type { Actor } from '../../policies/actor.js';
import { findOtherUser } from '../resolve-user.js';
import { contactView, strangerView } from './contact-view.js';

// A name without an account gets the answer of an account with no request: the name as typed, one message.
const noRequestFrom = (username: string) => notFound(`There is no request from ${username}.`);

/** Accepts a request from `username`: both become contacts, and both hear it live. */
export async function acceptContact(deps: Deps, actor: Actor, username: string): Promise<ContactDto> {
  const other = await findOtherUser(deps.db, actor, username);
  if (!other) throw noRequestFrom(username);
  const me = { id: actor.user.id, username: actor.user.username };
  const after = new AfterCommit();
  const view = await deps.db.transaction().execute(async (trx) => {
    if (!(await deleteRequest(trx, other.id, me.id))) throw noRequestFrom(username);
    await deleteRequests(trx, me.id, other.id);
    await insertContactPair(trx, me.id, other.id, Date.now());
    after.add({ type: 'contact.changed', toUserId: other.id, contact: await contactView(deps, trx, other.id, me) });
    return contactView(deps, trx, me.id, other);
  });
  after.flush(deps.events);
  return view;
}

/**
 * Declines a request from `username` (the requester is not told). Idempotent: with no request (or no such account)
 * it answers how you stand, `none` for a stranger, the name as typed.
 */
export async function declineContact(deps: Deps, actor: Actor, username: string): Promise<ContactDto> {
  const other = await findOtherUser(deps.db, actor, username);
  if (!other) return strangerView(username, 'none');
  await deleteRequest(deps.db, other.id, actor.user.id);
  return unrevealed(await contactView(deps, deps.db, actor.user.id, other), username);
}

/**
 * Withdraws your own request to `username`; their incoming request disappears live. Idempotent like decline: a
 * request that was never stored (to a name without an account, or to someone who blocked you) cancels alike.
 */
export async function cancelContactRequest(deps: Deps, actor: Actor, username: string): Promise<ContactDto> {
  const other = await findOtherUser(deps.db, actor, username);
  if (!other) return strangerView(username, 'none');
  if (await deleteRequest(deps.db, actor.user.id, other.id)) {
    const me = { id: actor.user.id, username: actor.user.username };
    deps.events.publish({ type: 'contact.changed', toUserId: other.id, contact: await contactView(deps, deps.db, other.id, me) });
  }
  return unrevealed(await contactView(deps, deps.db, actor.user.id, other), username);
}

/** A view in which the other user has not shown themselves (`none`, `outgoing`) carries the name as typed. */
function unrevealed(view: ContactDto, typed: string): ContactDto {
  return view.state === 'none' || view.state === 'outgoing' ? { ...view, username: typed } : view;
}
