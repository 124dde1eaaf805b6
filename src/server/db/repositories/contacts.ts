import type { Db } from '../connect.js';

export interface Relationship {
  contact: boolean;
  /** I asked them. */
  outgoing: boolean;
  /** They asked me. */
  incoming: boolean;
  iBlocked: boolean;
  blockedMe: boolean;
}

export async function getRelationship(db: Db, me: string, other: string): Promise<Relationship> {
  const [contact, outgoing, incoming, iBlocked, blockedMe] = await Promise.all([
    db.selectFrom('contacts').select('user_id').where('user_id', '=', me).where('contact_id', '=', other).executeTakeFirst(),
    db.selectFrom('contact_requests').select('from_id').where('from_id', '=', me).where('to_id', '=', other).executeTakeFirst(),
    db.selectFrom('contact_requests').select('from_id').where('from_id', '=', other).where('to_id', '=', me).executeTakeFirst(),
    db.selectFrom('blocks').select('blocker_id').where('blocker_id', '=', me).where('blocked_id', '=', other).executeTakeFirst(),
    db.selectFrom('blocks').select('blocker_id').where('blocker_id', '=', other).where('blocked_id', '=', me).executeTakeFirst(),
  ]);
  return { contact: !!contact, outgoing: !!outgoing, incoming: !!incoming, iBlocked: !!iBlocked, blockedMe: !!blockedMe };
}

export async function areContacts(db: Db, a: string, b: string): Promise<boolean> {
  const row = await db.selectFrom('contacts').select('user_id').where('user_id', '=', a).where('contact_id', '=', b).executeTakeFirst();
  return row !== undefined;
}

export async function insertRequest(db: Db, from: string, to: string, now: number): Promise<void> {
  await db.insertInto('contact_requests').values({ from_id: from, to_id: to, created_at: now })
    .onConflict((oc) => oc.columns(['from_id', 'to_id']).doNothing()).execute();
}

/** Deletes the requests between two users, both ways. */
export async function deleteRequests(db: Db, a: string, b: string): Promise<void> {
  await db.deleteFrom('contact_requests')
    .where((eb) => eb.or([
      eb.and([eb('from_id', '=', a), eb('to_id', '=', b)]),
      eb.and([eb('from_id', '=', b), eb('to_id', '=', a)]),
    ]))
    .execute();
}

export async function deleteRequest(db: Db, from: string, to: string): Promise<boolean> {
  const res = await db.deleteFrom('contact_requests').where('from_id', '=', from).where('to_id', '=', to).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function insertContactPair(db: Db, a: string, b: string, now: number): Promise<void> {
  await db.insertInto('contacts')
    .values([
      { user_id: a, contact_id: b, created_at: now },
      { user_id: b, contact_id: a, created_at: now },
    ])
    .onConflict((oc) => oc.columns(['user_id', 'contact_id']).doNothing())
    .execute();
}

export async function deleteContactPair(db: Db, a: string, b: string): Promise<boolean> {
  const res = await db.deleteFrom('contacts')
    .where((eb) => eb.or([
      eb.and([eb('user_id', '=', a), eb('contact_id', '=', b)]),
      eb.and([eb('user_id', '=', b), eb('contact_id', '=', a)]),
    ]))
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function insertBlock(db: Db, blocker: string, blocked: string, now: number): Promise<void> {
  await db.insertInto('blocks').values({ blocker_id: blocker, blocked_id: blocked, created_at: now })
    .onConflict((oc) => oc.columns(['blocker_id', 'blocked_id']).doNothing()).execute();
}

export async function deleteBlock(db: Db, blocker: string, blocked: string): Promise<void> {
  await db.deleteFrom('blocks').where('blocker_id', '=', blocker).where('blocked_id', '=', blocked).execute();
}

export interface ContactListRow {
  user_id: string;
  username: string;
  state: 'accepted' | 'incoming' | 'outgoing' | 'blocked';
  since: number;
}

/** Everyone the user has a relationship with: contacts, requests both ways, and users they blocked. */
export async function listRelationships(db: Db, me: string): Promise<ContactListRow[]> {
  const [accepted, outgoing, incoming, blocked] = await Promise.all([
    db.selectFrom('contacts').innerJoin('users', 'users.id', 'contacts.contact_id')
      .select(['users.id as user_id', 'users.username', 'contacts.created_at as since'])
      .where('contacts.user_id', '=', me).execute(),
    db.selectFrom('contact_requests').innerJoin('users', 'users.id', 'contact_requests.to_id')
      .select(['users.id as user_id', 'users.username', 'contact_requests.created_at as since'])
      .where('contact_requests.from_id', '=', me).execute(),
    db.selectFrom('contact_requests').innerJoin('users', 'users.id', 'contact_requests.from_id')
      .select(['users.id as user_id', 'users.username', 'contact_requests.created_at as since'])
      .where('contact_requests.to_id', '=', me).execute(),
    db.selectFrom('blocks').innerJoin('users', 'users.id', 'blocks.blocked_id')
      .select(['users.id as user_id', 'users.username', 'blocks.created_at as since'])
      .where('blocks.blocker_id', '=', me).execute(),
  ]);
  return [
    ...accepted.map((r) => ({ ...r, state: 'accepted' as const })),
    ...outgoing.map((r) => ({ ...r, state: 'outgoing' as const })),
    ...incoming.map((r) => ({ ...r, state: 'incoming' as const })),
    ...blocked.map((r) => ({ ...r, state: 'blocked' as const })),
  ].sort((a, b) => a.username.localeCompare(b.username));
}

export async function listContactIds(db: Db, me: string): Promise<string[]> {
  const rows = await db.selectFrom('contacts').select('contact_id').where('user_id', '=', me).execute();
  return rows.map((r) => r.contact_id);
}
