import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen in time: a migration never imports the live Database type (Kysely<unknown>).
// End-to-end encryption: the directory (identity keys, devices, KeyPackages) and the MLS delivery service state
// (per conversation: epoch and latest GroupInfo; Welcomes waiting for their devices). Commits and ciphertext are rows
// of `messages`, the conversation's ordered log.
export async function up(db: Kysely<unknown>): Promise<void> {
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';

  await db.schema
    .createTable('identities')
    .addColumn('user_id', 'varchar(36)', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('identity_public_key', bytes, (c) => c.notNull())
    .addColumn('wrapped_identity_key', bytes, (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // Every identity key a user has published, in order: the record of replacements (for "key changed" warnings).
  await db.schema
    .createTable('identity_key_history')
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('identity_public_key', bytes, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('identity_key_history_pk', ['user_id', 'key_version'])
    .execute();

  await db.schema
    .createTable('devices')
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('device_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('certificate', bytes, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addPrimaryKeyConstraint('devices_pk', ['user_id', 'device_id'])
    .execute();

  // A one-time KeyPackage is handed out once (taken_at set atomically); a last-resort one until a newer one replaces
  // it (then taken_at marks it retired). Rows stay after use: a Welcome is routed by ref to the row's device.
  await db.schema
    .createTable('key_packages')
    .addColumn('ref', 'varchar(43)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('device_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('body', bytes, (c) => c.notNull())
    .addColumn('last_resort', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('taken_at', 'bigint')
    .addForeignKeyConstraint('key_packages_device', ['user_id', 'device_id'], 'devices', ['user_id', 'device_id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('key_packages_device_waiting')
    .on('key_packages')
    .columns(['user_id', 'device_id', 'last_resort', 'taken_at'])
    .execute();

  // One row per conversation that became an MLS group: its current epoch, the latest GroupInfo, and the log
  // position (messages.seq) of the commit that began this epoch (the last seq before mls:init for epoch 0).
  await db.schema
    .createTable('mls_groups')
    .addColumn('conversation_id', 'varchar(36)', (c) => c.primaryKey().references('conversations.id').onDelete('cascade'))
    .addColumn('epoch', 'bigint', (c) => c.notNull())
    .addColumn('group_info', bytes, (c) => c.notNull())
    .addColumn('epoch_seq', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('welcomes')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('device_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('key_package_ref', 'varchar(43)', (c) => c.notNull())
    .addColumn('conversation_id', 'varchar(36)', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('epoch', 'bigint', (c) => c.notNull())
    .addColumn('commit_seq', 'integer', (c) => c.notNull())
    .addColumn('body', bytes, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .execute();
  await db.schema.createIndex('welcomes_device').on('welcomes').columns(['user_id', 'device_id', 'delivered_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['welcomes', 'mls_groups', 'key_packages', 'devices', 'identity_key_history', 'identities']) {
    await db.schema.dropTable(t).execute();
  }
}
