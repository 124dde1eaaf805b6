import type { Kysely } from 'kysely';

// Frozen in time: a migration never imports the live Database type (Kysely<unknown>).
// The idempotency index leads with the client key instead of the sender. Client keys are time-ordered (UUIDv7, made by
// the SDK), so new entries go to the end of the index: a batch of sends dirties one or two of its pages instead of one
// per sender, which halved the cost of a batch's COMMIT on SQLite (WAL pages written). Still unique per (sender, key).
// Nothing deletes users, so no cascade needs an index that leads with sender_id.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('messages_key_sender').on('messages').columns(['client_key', 'sender_id']).unique().execute();
  await db.schema.dropIndex('messages_sender_key').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('messages_sender_key').on('messages').columns(['sender_id', 'client_key']).unique().execute();
  await db.schema.dropIndex('messages_key_sender').execute();
}
