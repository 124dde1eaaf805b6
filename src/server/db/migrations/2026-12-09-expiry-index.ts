import type { Kysely } from 'kysely';

// Frozen in time: a migration never imports the live Database type (Kysely<unknown>).
// The sweep's index of message expiries holds only messages that expire. Most messages never do (expires_at null),
// yet every insert added an entry for them: a fifth B-tree written per message on the send path. Partial (`where
// expires_at is not null`, which the sweep's query states), it costs a message without a timer nothing.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_expires_at').execute();
  await db.schema.createIndex('messages_expires_at').on('messages').column('expires_at').where('expires_at', 'is not', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_expires_at').execute();
  await db.schema.createIndex('messages_expires_at').on('messages').column('expires_at').execute();
}
