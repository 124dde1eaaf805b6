import cluster from 'node:cluster';
import { useInsecureTestServerHash } from './security/password-hash.js';
import type { DestinationStream } from 'pino';
import { createClient, type RedisClientType } from 'redis';
import { blobStoreFor } from './blobs/for-config.js';
import { sweepBlobs } from './commands/blobs/attach.js';
import { SendQueue } from './commands/messages/send-queue.js';
import { sweepExpiredMessages } from './commands/messages/expire-messages.js';
import { systemClock, type Clock } from './clock.js';
import { watchAccountSignals } from './admin/account-signals.js';
import type { Config } from './config.js';
import { connectDatabase, migrateToLatest } from './db/connect.js';
import { deleteExpiredSessions } from './db/repositories/sessions.js';
import { getOrCreateSecret } from './db/repositories/secrets.js';
import type { Deps } from './deps.js';
import type { EventPublisher } from './events/domain-events.js';
import { buildApp } from './http/app.js';
import { registerHealthRoutes } from './http/routes/health.js';
import { watchConnections } from './observability/metrics.js';
import { startMetricsServer, type MetricsServer } from './observability/metrics-server.js';
import { readinessCheck } from './observability/readiness.js';
import { createLogger } from './logger.js';
import { PushNotifier } from './push/push-notifier.js';
import { loadVapidKeys } from './push/vapid.js';
import { realtimePublisher } from './realtime/fanout.js';
import { attachRealtime, type ParleyIo } from './realtime/io.js';
import { memoryPresence, redisPresence } from './realtime/presence.js';
import { createRateLimiters } from './security/rate-limits.js';
import { createUserBudgets } from './security/user-budgets.js';

/** Batches of sends in flight at once on PostgreSQL (the pool has 10 connections: the rest serve reads). */
const SENDS_IN_FLIGHT_POSTGRES = 4;
/**
 * On SQLite one batch at a time: the next one gathers every send that arrives while this one is written and its WAL
 * fsync runs (off the event loop, db/sqlite-durable.ts). Two in flight measured no faster and made smaller batches.
 */
const SENDS_IN_FLIGHT_SQLITE = 1;
/** How often expired messages are looked for (the shortest timer is 5 minutes). */
const EXPIRY_SWEEP_MS = 10_000;

export interface RunningServer {
  url: string;
  /** The Prometheus endpoint (METRICS_PORT), when this process serves one. */
  metricsUrl: string | undefined;
  deps: Deps;
  io: ParleyIo;
  close(): Promise<void>;
}

/** What a test may inject: the clock (disappearing messages' expiry and sweep). */
export interface StartOptions {
  clock?: Clock;
}

/** config → database → migrations → app → listen. */
export async function startServer(config: Config, logDestination?: DestinationStream, options: StartOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const log = createLogger(config.logLevel, logDestination);
  useInsecureTestServerHash(config.insecureTestServerHash);
  const db = connectDatabase(config.database, (err) => log.warn({ err }, 'database connection lost'));
  await migrateToLatest(db);

  let redis: RedisClientType | undefined;
  if (config.redisUrl) {
    redis = createClient({ url: config.redisUrl });
    redis.on('error', (err: unknown) => log.warn({ err }, 'redis error'));
    await redis.connect();
  }

  const realtime: { io?: ParleyIo } = {};
  const toSockets = realtimePublisher(() => realtime.io);
  const push = new PushNotifier(db, await loadVapidKeys(db), log, { coalesceMs: config.push.coalesceMs, subject: config.push.subject });
  // Every event to the sockets; new messages also to Web Push (which coalesces them and sends no content).
  const events: EventPublisher = {
    publish(event) {
      toSockets.publish(event);
      push.observe(event);
    },
  };
  const deps: Deps = {
    config,
    clock,
    db,
    log,
    limiters: createRateLimiters(config, redis),
    budgets: createUserBudgets(config, redis),
    preloginSecret: await getOrCreateSecret(db, 'prelogin-salt'),
    events,
    presence: redis ? redisPresence(redis) : memoryPresence(),
    sends: new SendQueue(db, events, log, config.database.kind === 'postgres' ? SENDS_IN_FLIGHT_POSTGRES : SENDS_IN_FLIGHT_SQLITE, clock),
    blobs: blobStoreFor(config, db),
    push,
  };
  const app = await buildApp(deps, log);
  registerHealthRoutes(app, readinessCheck(db, redis));
  const io = attachRealtime(app.server, deps, redis);
  realtime.io = io;
  const unwatchConnections = watchConnections(() => io.engine.clientsCount);
  const unwatchSignals = watchAccountSignals(db, io, log);

  const sweep = setInterval(() => {
    deleteExpiredSessions(db, Date.now(), config.session.idleMs).catch((err: unknown) =>
      log.warn({ err }, 'session sweep failed'),
    );
  }, 3_600_000);
  sweep.unref();
  // Uploads never attached (after a day) and files of deleted messages.
  const blobSweep = setInterval(() => {
    sweepBlobs(deps, Date.now()).catch((err: unknown) => log.warn({ err }, 'file sweep failed'));
  }, 600_000);
  blobSweep.unref();
  // Disappearing messages: erased once their expiry (from the server's clock) has come.
  const expirySweep = setInterval(() => {
    sweepExpiredMessages(deps).catch((err: unknown) => log.warn({ err }, 'expiry sweep failed'));
  }, EXPIRY_SWEEP_MS);
  expirySweep.unref();

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `${config.tls ? 'https' : 'http'}://${host}:${port}`;
  // Under WORKERS > 1 the primary serves the workers' sum (main.ts).
  const metrics: MetricsServer | undefined =
    config.metrics && !cluster.isWorker ? await startMetricsServer(config.metrics) : undefined;

  let closing: Promise<void> | undefined;
  return {
    url,
    metricsUrl: metrics?.url,
    deps,
    io,
    close() {
      closing ??= (async () => {
        clearInterval(sweep);
        clearInterval(blobSweep);
        clearInterval(expirySweep);
        unwatchConnections();
        unwatchSignals();
        await metrics?.close();
        await deps.presence.close();
        // A request still being answered leaves its connection idle once answered, and the HTTP server's close (which
        // socket.io's close waits for) would wait for it until the keep-alive timeout (72 s): from now on such a
        // connection ends as soon as it is answered (Node adds its one-second buffer).
        app.server.keepAliveTimeout = 1;
        // Closing the engine drops transports without a disconnect packet: clients reconnect to the next instance.
        await io.close().catch(() => undefined);
        await app.close().catch(() => undefined);
        await deps.sends.idle();
        await push.close();
        await db.destroy();
        if (redis) await redis.quit().catch(() => undefined);
      })();
      return closing;
    },
  };
}
