import { loadConfig } from '../../src/server/config.js';
import { TEST_WEB_ROOT } from '../../src/server/http/static-files.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import type { Clock } from '../../src/server/clock.js';
import { ParleyClient, type ParleyClientOptions } from '../../src/sdk/index.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { testEnv } from './env.js';
import { LogCapture } from './logs.js';

/** Fast KDF parameters, accepted only by a server started with NODE_ENV=test and PARLEY_INSECURE_TEST_KDF. */
export const TEST_KDF = { algorithm: 'argon2id', memoryKiB: 256, iterations: 1, parallelism: 1 } as const;

export interface TestServer {
  url: string;
  server: RunningServer;
  db: TestDatabase;
  logs: LogCapture;
  /** A new SDK client for this server, with the test KDF (end-to-end encryption on unless told otherwise). */
  client(options?: Partial<ParleyClientOptions>): ParleyClient;
  /** Stops the server and keeps the database (to restart on it). */
  stop(): Promise<void>;
  /** Starts again on the same database and port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  redis?: boolean;
  /** The web UI to serve: the test build (with the fast-KDF hook, the default) or the production build. */
  webRoot?: string;
  /** The server's clock (a ManualClock moves time for disappearing messages); kept across restarts. */
  clock?: Clock;
}

/** A real server on a random loopback port, with its own fresh database. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const db = await createTestDatabase();
  const logs = new LogCapture();
  const baseEnv: Record<string, string> = {
    NODE_ENV: 'test',
    PARLEY_INSECURE_TEST_KDF: 'true',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    SIGNUPS_PER_ADDRESS_PER_HOUR: '10000',
    LOGIN_FAILURES_PER_ADDRESS: '10000',
    ...db.env,
    ...(options.redis && testEnv.redisUrl ? { REDIS_URL: testEnv.redisUrl } : {}),
    ...options.env,
  };
  let port = 0;
  const boot = async () => {
    const config = loadConfig({ ...baseEnv, PORT: String(port) });
    // Origins are those of the port actually bound, known only after listen: allow the loopback ones for any port.
    // The test build of the web UI: the only one with the test hooks (the fast-KDF override).
    const server = await startServer({ ...config, allowedOrigins: [], webRoot: options.webRoot ?? TEST_WEB_ROOT }, logs, { clock: options.clock });
    port = Number(new URL(server.url).port);
    const scheme = new URL(server.url).protocol; // 'http:' or 'https:'
    server.deps.config.allowedOrigins.push(`${scheme}//127.0.0.1:${port}`, `${scheme}//localhost:${port}`);
    return server;
  };
  let server = await boot();
  const t: TestServer = {
    get url() {
      return server.url;
    },
    get server() {
      return server;
    },
    db,
    logs,
    client: (options = {}) => new ParleyClient({ baseUrl: server.url, kdf: { ...TEST_KDF }, minKdf: TEST_KDF, ...options }),
    stop: () => server.close(),
    async restart() {
      server = await boot();
    },
    async close() {
      await server.close();
      await db.drop();
    },
  };
  return t;
}
