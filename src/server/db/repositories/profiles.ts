import type { Db } from '../connect.js';
import type { ProfilesTable } from '../schema.js';

export type ProfileRow = ProfilesTable;

export function findProfile(db: Db, userId: string): Promise<ProfileRow | undefined> {
  return db.selectFrom('profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/**
 * Stores the next version of a profile: inserted at version 1, or updated only from `version - 1` (a conditional
 * update, so two devices racing cannot both win). False when the stored version is not the one expected.
 */
export async function storeProfileVersion(db: Db, row: ProfileRow): Promise<boolean> {
  if (row.version === 1) {
    const res = await db.insertInto('profiles').values(row).onConflict((oc) => oc.column('user_id').doNothing()).executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
  const res = await db.updateTable('profiles')
    .set({ version: row.version, blob: row.blob, updated_at: row.updated_at })
    .where('user_id', '=', row.user_id).where('version', '=', row.version - 1)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function deleteProfile(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('profiles').where('user_id', '=', userId).execute();
}


export async function loadProfileStanding(db: Db, viewerId: string, ownerId: string): Promise<{ contact: boolean; blocked: boolean; sharedGroup: boolean }> {
  const [contact, block, shared] = await Promise.all([
    db.selectFrom('contacts').select('user_id').where('user_id', '=', ownerId).where('contact_id', '=', viewerId).executeTakeFirst(),
    db.selectFrom('blocks').select('blocker_id')
      .where((eb) => eb.or([
        eb.and([eb('blocker_id', '=', ownerId), eb('blocked_id', '=', viewerId)]),
        eb.and([eb('blocker_id', '=', viewerId), eb('blocked_id', '=', ownerId)]),
      ]))
      .executeTakeFirst(),
    db.selectFrom('conversation_members as a')
      .innerJoin('conversation_members as b', 'b.conversation_id', 'a.conversation_id')
      .innerJoin('conversations as c', 'c.id', 'a.conversation_id')
      .select('a.conversation_id')
      .where('a.user_id', '=', ownerId).where('b.user_id', '=', viewerId).where('c.kind', '=', 'group')
      .limit(1)
      .executeTakeFirst(),
  ]);
  return { contact: contact !== undefined, blocked: block !== undefined, sharedGroup: shared !== undefined };
}

/**
 * Everyone who may read the owner's profile (the owner excluded): accepted contacts and members of group
 * conversations the owner belongs to, minus anyone blocked either way. The same rule as canReadProfile, in bulk,
 * for the live `profile` event.
 */
export async function listProfileReaderIds(db: Db, ownerId: string): Promise<string[]> {
  const [contacts, members, blocks] = await Promise.all([
    db.selectFrom('contacts').select('contact_id as id').where('user_id', '=', ownerId).execute(),
    db.selectFrom('conversation_members as a')
      .innerJoin('conversation_members as b', 'b.conversation_id', 'a.conversation_id')
      .innerJoin('conversations as c', 'c.id', 'a.conversation_id')
      .select('b.user_id as id').distinct()
      .where('a.user_id', '=', ownerId).where('c.kind', '=', 'group')
      .execute(),
    db.selectFrom('blocks').select(['blocker_id', 'blocked_id'])
      .where((eb) => eb.or([eb('blocker_id', '=', ownerId), eb('blocked_id', '=', ownerId)]))
      .execute(),
  ]);
  const blocked = new Set(blocks.map((b) => (b.blocker_id === ownerId ? b.blocked_id : b.blocker_id)));
  const ids = new Set([...contacts, ...members].map((r) => r.id));
  ids.delete(ownerId);
  return [...ids].filter((id) => !blocked.has(id));
}
