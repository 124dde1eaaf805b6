import type { Db } from '../db/connect.js';
import { getRelationship } from '../db/repositories/contacts.js';
import { AppError } from '../errors.js';

/** A direct conversation and group membership need an accepted contact; a block (either way) ends both. */
export async function assertContacts(db: Db, me: string, other: string, username: string): Promise<void> {
  const rel = await getRelationship(db, me, other);
  assertStanding({ contact: rel.contact, blocked: rel.iBlocked || rel.blockedMe }, username);
}

/** The same rule on a relationship already read: a block (either way) first, then the contact. */
export function assertStanding(rel: { contact: boolean; blocked: boolean }, username: string): void {
  if (rel.blocked) throw new AppError('BLOCKED', `You cannot talk with ${username}.`);
  if (!rel.contact) throw new AppError('NOT_A_CONTACT', `${username} is not one of your contacts.`);
}
