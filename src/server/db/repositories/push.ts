import type { Db } from '../connect.js';
import type { PushSubscriptionsTable } from '../schema.js';

export type PushSubscriptionRow = PushSubscriptionsTable;

/** Where one push goes: a subscription of a member, with that member's notification settings. */
export interface PushTarget {
  userId: string;
  username: string;
  subscriptionId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  mutedUntil: number | null;
  mentionsOnly: boolean;
}

/**
 * Stores a subscription for this session; an endpoint already known (the same browser subscribed before, maybe under
 * another session or user) is replaced, so an endpoint belongs to one session at a time.
 */
export async function upsertPushSubscription(db: Db, row: PushSubscriptionRow): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('push_subscriptions').where('endpoint', '=', row.endpoint).execute();
    await trx.insertInto('push_subscriptions').values(row).execute();
  });
}

export function findPushSubscriptionByEndpoint(db: Db, endpoint: string): Promise<PushSubscriptionRow | undefined> {
  return db.selectFrom('push_subscriptions').selectAll().where('endpoint', '=', endpoint).executeTakeFirst();
}

export async function deletePushSubscription(db: Db, id: string): Promise<void> {
  await db.deleteFrom('push_subscriptions').where('id', '=', id).execute();
}

export function listPushSubscriptionsOfSession(db: Db, sessionId: string): Promise<PushSubscriptionRow[]> {
  return db.selectFrom('push_subscriptions').selectAll().where('session_id', '=', sessionId).execute();
}

/** Every live subscription of every member of a conversation (sessions not expired), with the member's settings. */
export async function listPushTargets(db: Db, conversationId: string, now: number): Promise<PushTarget[]> {
  const rows = await db
    .selectFrom('conversation_members as m')
    .innerJoin('push_subscriptions as p', 'p.user_id', 'm.user_id')
    .innerJoin('sessions as s', 's.id', 'p.session_id')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.username', 'm.muted_until', 'm.mentions_only', 'p.id', 'p.endpoint', 'p.p256dh', 'p.auth'])
    .where('m.conversation_id', '=', conversationId)
    .where('s.expires_at', '>', now)
    .execute();
  return rows.map((r) => ({
    userId: r.user_id,
    username: r.username,
    subscriptionId: r.id,
    endpoint: r.endpoint,
    p256dh: r.p256dh,
    auth: r.auth,
    mutedUntil: r.muted_until ?? null,
    mentionsOnly: (r.mentions_only ?? 0) === 1,
  }));
}

/** Sets a member's notification settings (only the fields given). */
export async function updateMemberNotify(
  db: Db,
  conversationId: string,
  userId: string,
  change: { mutedUntil?: number | null; mentionsOnly?: boolean },
): Promise<void> {
  const set: { muted_until?: number | null; mentions_only?: number } = {};
  if (change.mutedUntil !== undefined) set.muted_until = change.mutedUntil;
  if (change.mentionsOnly !== undefined) set.mentions_only = change.mentionsOnly ? 1 : 0;
  await db.updateTable('conversation_members').set(set)
    .where('conversation_id', '=', conversationId).where('user_id', '=', userId).execute();
}
