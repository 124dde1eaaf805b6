import type { Db } from '../db/connect.js';
import { areContacts, getRelationship } from '../db/repositories/contacts.js';
import { findMembership, shareConversation } from '../db/repositories/conversations.js';
import { findUserByUsername, type UserRow } from '../db/repositories/users.js';
import type { Actor } from '../policies/actor.js';
import { assertStanding } from '../policies/contacts.js';
import { membershipAccess, type Access } from '../policies/conversations.js';
import { directoryEntry } from '../policies/e2e.js';

// The reads the commands' policy decisions need, each followed by its rule: the rules themselves are pure functions in
// src/server/policies, over what is loaded here.

/** A member's access to a conversation (one query); for anyone else NOT_FOUND, exactly as for a random id. */
export async function accessConversation(db: Db, actor: Actor, conversationId: string): Promise<Access> {
  return membershipAccess(await findMembership(db, conversationId, actor.user.id));
}

/** A direct conversation and group membership need an accepted contact; a block (either way) ends both. */
export async function assertContacts(db: Db, me: string, other: string, username: string): Promise<void> {
  const rel = await getRelationship(db, me, other);
  assertStanding({ contact: rel.contact, blocked: rel.iBlocked || rel.blockedMe }, username);
}

/** A user's directory entry (identity key, devices, KeyPackages), for those who may see it (policies/e2e.ts). */
export async function accessDirectory(db: Db, actor: Actor, username: string): Promise<UserRow> {
  const user = await findUserByUsername(db, username);
  const related =
    user !== undefined &&
    user.id !== actor.user.id &&
    ((await areContacts(db, actor.user.id, user.id)) || (await shareConversation(db, actor.user.id, user.id)));
  return directoryEntry(actor, username, user, related);
}
