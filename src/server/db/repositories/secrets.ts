import type { Db } from '../connect.js';

/**
 * A server secret shared by every instance (it lives in the database): created once, at random, then read.
 * Concurrent first starts race on the primary key; the loser reads the winner's value.
 */
export async function getOrCreateSecret(db: Db, name: string): Promise<Buffer> {
  const existing = await db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirst();
  if (existing) return Buffer.from(existing.value, 'base64');
  await db
    .insertInto('server_secrets')
    .values({ name, value: Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString('base64'), created_at: Date.now() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64');
}

/**
 * A server secret whose value `make` creates (text, at most 255 characters), once: concurrent first starts race on the
 * primary key, and every instance reads the winner's value.
 */
export async function getOrCreateSecretText(db: Db, name: string, make: () => string): Promise<string> {
  const existing = await db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirst();
  if (existing) return existing.value;
  await db
    .insertInto('server_secrets')
    .values({ name, value: make(), created_at: Date.now() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}
