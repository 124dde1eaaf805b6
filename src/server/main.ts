import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server.js';

/** Entry: config → start; graceful shutdown on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const server = await startServer(config);
  server.deps.log.info({ url: server.url, database: config.database.kind }, `Parley is serving ${server.url}`);
  const stop = (signal: string) => {
    server.deps.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Parley failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
