import { sql } from 'kysely';
import type { Db } from './connect.js';

/** Bytes of a blob column summed, in the dialect's own words (SQLite `length`, PostgreSQL `octet_length`). */
export const bytes = (kind: 'sqlite' | 'postgres', column: string) =>
  kind === 'postgres' ? sql<number>`coalesce(sum(octet_length(${sql.ref(column)})), 0)` : sql<number>`coalesce(sum(length(${sql.ref(column)})), 0)`;

/** One round trip to the database (`SELECT 1`): resolves when it answers. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
