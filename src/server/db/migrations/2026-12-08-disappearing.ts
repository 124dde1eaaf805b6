import type { Kysely } from 'kysely';

// Frozen in time: a migration never imports the live Database type (Kysely<unknown>).
// Disappearing messages and privacy switches: a conversation's timer (seconds, null: off), each message's expiry
// (milliseconds, from the server's clock when it was stored; null: never), found by the sweep through its index; and
// each user's privacy settings (read receipts, typing indicators, the timer of conversations they create).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('disappearing_seconds', 'integer').execute();
  await db.schema.alterTable('messages').addColumn('expires_at', 'bigint').execute();
  await db.schema.createIndex('messages_expires_at').on('messages').column('expires_at').execute();
  await db.schema
    .createTable('privacy_settings')
    .addColumn('user_id', 'varchar(36)', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('read_receipts', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('typing_indicators', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('default_disappearing_seconds', 'integer')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('privacy_settings').execute();
  await db.schema.dropIndex('messages_expires_at').execute();
  await db.schema.alterTable('messages').dropColumn('expires_at').execute();
  await db.schema.alterTable('conversations').dropColumn('disappearing_seconds').execute();
}
