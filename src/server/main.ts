import cluster from 'node:cluster';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startMetricsServer } from './observability/metrics-server.js';
import { startServer } from './server.js';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** `WORKERS=N`: the primary forks N workers sharing the port; a worker that dies is replaced. */
function runPrimary(config: Config): void {
  let stopping = false;
  for (let i = 0; i < config.workers; i++) cluster.fork();
  if (config.metrics) {
    startMetricsServer(config.metrics, true).catch((err: unknown) => {
      process.stderr.write(`the metrics listener failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
  }
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    process.stderr.write(`worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
    cluster.fork();
  });
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    setTimeout(() => process.exit(0), 5_000).unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** Entry: config → start; graceful shutdown on SIGTERM/SIGINT. */
async function runServer(config: Config): Promise<void> {
  const server = await startServer(config);
  server.deps.log.info({ url: server.url, database: config.database.kind, pid: process.pid }, `Parley is serving ${server.url}`);
  if (server.metricsUrl) server.deps.log.info({ metrics: server.metricsUrl }, 'metrics listener up');
  // One plain line for a person at the terminal, beside the JSON log line for machines.
  process.stdout.write(`Parley is listening on ${server.url}\n`);
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

const config = readConfig();
if (config.workers > 1 && cluster.isPrimary) {
  runPrimary(config);
} else {
  runServer(config).catch((err: unknown) => {
    process.stderr.write(`Parley failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
