import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { testEnv } from './env.js';

export interface TestDatabase {
  /** Environment for the server: DATA_DIR, and DATABASE_URL on PostgreSQL. */
  env: Record<string, string>;
  dataDir: string;
  sqliteFile: string | undefined;
  postgresUrl: string | undefined;
  drop(): Promise<void>;
}

/** A fresh, empty database for one server: a temporary SQLite file, or a new PostgreSQL database. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
  if (!testEnv.databaseUrl) {
    return {
      env: { DATA_DIR: dataDir },
      dataDir,
      sqliteFile: path.join(dataDir, 'parley.sqlite'),
      postgresUrl: undefined,
      drop: () => Promise.resolve(fs.rmSync(dataDir, { recursive: true, force: true })),
    };
  }
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testEnv.databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(testEnv.databaseUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    dataDir,
    sqliteFile: undefined,
    postgresUrl: url.toString(),
    async drop() {
      fs.rmSync(dataDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: testEnv.databaseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Everything a test database holds, to search for secrets: every file in the server's data directory (the SQLite
 * file with its -wal and -journal), or every PostgreSQL row of every table as text (bytea as hex).
 */
export async function databaseBytes(db: TestDatabase): Promise<Buffer> {
  if (db.postgresUrl) {
    const c = new pg.Client({ connectionString: db.postgresUrl });
    await c.connect();
    try {
      const tables = await c.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
      );
      const parts: string[] = [];
      for (const { table_name } of tables.rows) {
        const rows = await c.query<{ row: string }>(`SELECT (x.*)::text AS row FROM "${table_name}" x`);
        parts.push(...rows.rows.map((r) => r.row));
      }
      return Buffer.from(parts.join('\n'));
    } finally {
      await c.end();
    }
  }
  const files = fs
    .readdirSync(db.dataDir)
    .map((f) => path.join(db.dataDir, f))
    .filter((f) => fs.statSync(f).isFile());
  return Buffer.concat(files.map((f) => fs.readFileSync(f)));
}
