import type { Kysely } from 'kysely';

// Frozen in time: a migration never imports the live Database type (Kysely<unknown>).
// The expiry index holds only messages that expire: most messages never do (no timer), and each of them cost an index
// entry on every insert (`bench/sqlite-insert.ts`: median 15.8 → 13.8 µs per stored row on SQLite, 2026-12-07). The
// sweep's query says `expires_at is not null`, so SQLite and PostgreSQL both use the partial index
// (`unit/expiry-index.test.ts`).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_expires_at').execute();
  await db.schema
    .createIndex('messages_expiring')
    .on('messages')
    .column('expires_at')
    .where('expires_at', 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_expiring').execute();
  await db.schema.createIndex('messages_expires_at').on('messages').column('expires_at').execute();
}
