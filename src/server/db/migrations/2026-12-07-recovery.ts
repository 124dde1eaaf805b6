import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen in time: a migration never imports the live Database type (Kysely<unknown>).
// Recovery keys: per user, Argon2id of the key's authKey, the vaultKey sealed under the key (escrow), and the key's
// wrapping secret sealed under the vaultKey (box, so a password change can re-seal the escrow). All opaque.
export async function up(db: Kysely<unknown>): Promise<void> {
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
  await db.schema
    .createTable('recovery_keys')
    .addColumn('user_id', 'varchar(36)', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('auth_hash', 'text', (c) => c.notNull())
    .addColumn('escrow', bytes, (c) => c.notNull())
    .addColumn('box', bytes, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('recovery_keys').execute();
}
