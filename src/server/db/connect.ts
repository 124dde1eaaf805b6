import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, type MigrationResultSet, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import type { Database } from './schema.js';
import { observeQuery, watchPool } from '../observability/metrics.js';
import { migrations } from './migrations/index.js';
import { DurableSqliteDialect, WalSync } from './sqlite-durable.js';

// PostgreSQL bigint (int8) columns hold millisecond timestamps: read them as numbers.
pg.types.setTypeParser(20, (value: string) => Number(value));

export type Db = Kysely<Database>;

const walSyncs = new WeakMap<Db, WalSync>();
/** The WAL sync of a SQLite database (its counters, for tests); undefined on PostgreSQL. */
export const walSyncOf = (db: Db): WalSync | undefined => walSyncs.get(db);

/** One code path for both dialects: SQLite (embedded file, WAL) or PostgreSQL. */
export function connectDatabase(database: Config['database'], onPoolError: (err: Error) => void = () => undefined): Db {
  if (database.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: database.url, max: 10 });
    // An idle client whose server went away (a PostgreSQL restart) must not crash the process: the pool replaces it.
    pool.on('error', onPoolError);
    watchPool(pool);
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: observeQuery });
  }
  fs.mkdirSync(path.dirname(database.file), { recursive: true, mode: 0o700 });
  const sqlite = new SQLite(database.file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  // NORMAL: a commit writes the WAL without fsync; the dialect then fsyncs the WAL off the event loop and resolves
  // the commit only once it is on disk (sqlite-durable.ts), so an acknowledgement still means durably stored.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const wal = new WalSync(`${database.file}-wal`);
  const db = new Kysely<Database>({ dialect: new DurableSqliteDialect({ database: cachingStatements(sqlite) }, sqlite, wal), log: observeQuery });
  walSyncs.set(db, wal);
  return db;
}

/**
 * Kysely prepares every query anew; compiling SQL was a fifth of the server's time under load (bench/README.md).
 * Statements are reused by their SQL text (parameters stay bound per call); the cache is bounded.
 */
export function cachingStatements(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        if (cache.size >= 500) cache.delete(cache.keys().next().value ?? '');
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error instanceof Error ? result.error : new Error('migration failed', { cause: result.error });
  return result;
}
