import { ConfigError, loadConfig } from './config.js';
import { connectDatabase, migrateToLatest } from './db/connect.js';

/** `npm run migrate`: applies every pending migration to the configured database. */
async function run(): Promise<void> {
  const config = loadConfig();
  const db = connectDatabase(config.database);
  try {
    const result = await migrateToLatest(db);
    const applied = result.results ?? [];
    process.stdout.write(
      applied.length === 0
        ? `Database (${config.database.kind}) is up to date.\n`
        : applied.map((r) => `${r.status}: ${r.migrationName}\n`).join(''),
    );
  } finally {
    await db.destroy();
  }
}

run().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `Migration failed: ${String(err)}`}\n`);
  process.exit(1);
});
