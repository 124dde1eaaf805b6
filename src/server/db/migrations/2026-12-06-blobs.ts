import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen in time: a migration never imports the live Database type (Kysely<unknown>).
// Encrypted files. A blob row says who uploaded it, for which conversation, its declared ciphertext size and, once
// referenced by a message, that message and its sequence number (members who joined after it cannot fetch it).
// The bytes live in DATA_DIR/blobs on SQLite; on PostgreSQL in blob_chunks, which every instance shares.
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('blobs')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('uploader_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('conversation_id', 'varchar(36)', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('size', 'bigint', (c) => c.notNull())
    // The conversation's last sequence number when the upload began: before it is attached, a blob is visible to the
    // members who were there then (a message carrying it can only come later).
    .addColumn('base_seq', 'integer', (c) => c.notNull())
    .addColumn('message_id', 'varchar(36)')
    .addColumn('message_seq', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .execute();
  await db.schema.createIndex('blobs_uploader').on('blobs').column('uploader_id').execute();
  await db.schema.createIndex('blobs_message').on('blobs').column('message_id').execute();
  await db.schema.createIndex('blobs_created').on('blobs').column('created_at').execute();
  if (postgres) {
    await db.schema
      .createTable('blob_chunks')
      .addColumn('blob_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('offset', 'bigint', (c) => c.notNull())
      .addColumn('data', 'bytea', (c) => c.notNull())
      .addPrimaryKeyConstraint('blob_chunks_pk', ['blob_id', 'offset'])
      .execute();
    // Ciphertext does not compress: store it out of line without trying.
    await sql`ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('blob_chunks').ifExists().execute();
  await db.schema.dropTable('blobs').execute();
}
