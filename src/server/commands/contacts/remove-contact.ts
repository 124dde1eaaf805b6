import type { ContactDto } from '../../../protocol/contacts.js';
import { deleteBlock, deleteContactPair, deleteRequests, insertBlock } from '../../db/repositories/contacts.js';
import type { Deps } from '../../deps.js';
import { AfterCommit } from '../../events/domain-events.js';
import { notFound } from '../../errors.js';
import type { Actor } from '../../policies/actor.js';
import { resolveOtherUser } from '../resolve-user.js';
import { contactView } from './contact-view.js';

/** Ends a contact, both ways. */
export async function removeContact(deps: Deps, actor: Actor, username: string): Promise<ContactDto> {
  const other = await resolveOtherUser(deps.db, actor, username);
  const me = { id: actor.user.id, username: actor.user.username };
  if (!(await deleteContactPair(deps.db, me.id, other.id))) throw notFound(`${other.username} is not one of your contacts.`);
  deps.events.publish({ type: 'contact.changed', toUserId: other.id, contact: await contactView(deps, deps.db, other.id, me) });
  return contactView(deps, deps.db, me.id, other);
}

/**
 * Blocks a user: ends the contact and any request, stops their requests, their direct messages and their view of
 * your presence. They see the contact end, not the block.
 */
export async function blockUser(deps: Deps, actor: Actor, username: string): Promise<ContactDto> {
  const other = await resolveOtherUser(deps.db, actor, username);
  const me = { id: actor.user.id, username: actor.user.username };
  const after = new AfterCommit();
  const view = await deps.db.transaction().execute(async (trx) => {
    await deleteContactPair(trx, me.id, other.id);
    await deleteRequests(trx, me.id, other.id);
    await insertBlock(trx, me.id, other.id, Date.now());
    after.add({ type: 'contact.changed', toUserId: other.id, contact: await contactView(deps, trx, other.id, me) });
    return contactView(deps, trx, me.id, other);
  });
  after.flush(deps.events);
  return view;
}

export async function unblockUser(deps: Deps, actor: Actor, username: string): Promise<ContactDto> {
  const other = await resolveOtherUser(deps.db, actor, username);
  await deleteBlock(deps.db, actor.user.id, other.id);
  return contactView(deps, deps.db, actor.user.id, other);
}
