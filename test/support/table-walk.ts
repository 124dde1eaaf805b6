import Database from 'better-sqlite3';
import pg from 'pg';
import type { TestDatabase } from './database.js';

export type Row = Record<string, unknown>;

/** Every row of every table of the test database (migration bookkeeping aside), by table. */
export async function allRows(db: TestDatabase): Promise<Map<string, Row[]>> {
  const out = new Map<string, Row[]>();
  if (db.postgresUrl) {
    const c = new pg.Client({ connectionString: db.postgresUrl });
    await c.connect();
    try {
      const tables = await c.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
      );
      for (const { table_name } of tables.rows) {
        if (table_name.startsWith('kysely_')) continue;
        out.set(table_name, (await c.query<Row>(`SELECT * FROM "${table_name}"`)).rows);
      }
    } finally {
      await c.end();
    }
    return out;
  }
  if (!db.sqliteFile) throw new Error('allRows: no database');
  const sqlite = new Database(db.sqliteFile, { readonly: true, fileMustExist: true });
  try {
    const tables = sqlite.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    for (const { name } of tables) {
      if (name.startsWith('kysely_') || name.startsWith('sqlite_')) continue;
      out.set(name, sqlite.prepare<[], Row>(`SELECT * FROM "${name}"`).all());
    }
  } finally {
    sqlite.close();
  }
  return out;
}

/** Whether a row mentions `needle`: in a text column (anywhere), or in a binary one (its UTF-8 bytes). */
export function rowMentions(row: Row, needle: string): boolean {
  const bytes = Buffer.from(needle);
  return Object.values(row).some((v) => {
    if (typeof v === 'string') return v.toLowerCase().includes(needle.toLowerCase());
    if (v instanceof Uint8Array) return Buffer.from(v).includes(bytes);
    return false;
  });
}
