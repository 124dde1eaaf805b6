import cluster from 'node:cluster';
import type { LogEvent } from 'kysely';
import type pg from 'pg';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of this process (prom-client). Served only by the metrics listener (metrics-server.ts), never on
 * the public port. The send path and the database call the small hooks below (one line each); nothing here ever sees a
 * user name, a conversation id or a message body: labels are event names, error codes and limiter names only.
 */
export const registry = new Registry();

// With WORKERS > 1 the primary answers scrapes with the sum over workers (AggregatorRegistry asks each over IPC).
if (cluster.isWorker) AggregatorRegistry.setRegistries([registry]);

// Event-loop lag, heap, GC, CPU, open handles: prom-client's default process metrics.
collectDefaultMetrics({ register: registry });

const connectionSources = new Set<() => number>();
const pools = new Set<pg.Pool>();

new Gauge({
  name: 'parley_socket_connections',
  help: 'Open socket.io connections on this process.',
  registers: [registry],
  collect() {
    let total = 0;
    for (const count of connectionSources) total += count();
    this.set(total);
  },
});

const events = new Counter({
  name: 'parley_socket_events_total',
  help: 'Socket events answered, by event and outcome (ok or the error code).',
  labelNames: ['event', 'outcome'] as const,
  registers: [registry],
});

const messages = new Counter({
  name: 'parley_messages_total',
  help: 'messages:send answered, by outcome (stored, or the error code).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

const sendAck = new Histogram({
  name: 'parley_send_ack_seconds',
  help: 'messages:send from arrival on the server to its acknowledgement (stored durably, or refused).',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

const batchSize = new Histogram({
  name: 'parley_send_batch_size',
  help: 'Sends stored per committed transaction (group commit).',
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
  registers: [registry],
});

const queryTime = new Histogram({
  name: 'parley_db_query_seconds',
  help: 'Database query time as Kysely sees it, by result (ok or error).',
  labelNames: ['result'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

new Gauge({
  name: 'parley_db_pool_connections',
  help: 'PostgreSQL pool connections by state (total, idle, waiting clients).',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    let total = 0;
    let idle = 0;
    let waiting = 0;
    for (const pool of pools) {
      total += pool.totalCount;
      idle += pool.idleCount;
      waiting += pool.waitingCount;
    }
    this.set({ state: 'total' }, total);
    this.set({ state: 'idle' }, idle);
    this.set({ state: 'waiting' }, waiting);
  },
});

const refusals = new Counter({
  name: 'parley_rate_limited_total',
  help: 'Requests and events refused by a rate limit, by limiter.',
  labelNames: ['limiter'] as const,
  registers: [registry],
});

type AckBody = { data: unknown } | { error: { code: string } };

/**
 * Wraps a socket event's acknowledgement: when it is called, the event's outcome is counted and, for messages:send,
 * the time from arrival to acknowledgement observed.
 */
export function observeAck<R>(event: string, ack: (body: R) => void): (body: R) => void {
  const started = process.hrtime.bigint();
  return (body: R) => {
    const b = body as AckBody;
    const outcome = 'error' in b ? b.error.code : 'ok';
    events.inc({ event, outcome });
    if (event === 'messages:send') {
      messages.inc({ outcome: outcome === 'ok' ? 'stored' : outcome });
      sendAck.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
    ack(body);
  };
}

/** A batch of sends committed. */
export function observeBatch(size: number): void {
  batchSize.observe(size);
}

/** Kysely's `log` option: every query's duration. */
export function observeQuery(event: LogEvent): void {
  queryTime.observe({ result: event.level === 'query' ? 'ok' : 'error' }, event.queryDurationMillis / 1000);
}

/** A rate limit refused something (the limiter's key prefix names it, e.g. rl:msg:conn). */
export function observeRateLimited(limiter: string): void {
  refusals.inc({ limiter });
}

/** A PostgreSQL pool to report (until the process ends or the returned function is called). */
export function watchPool(pool: pg.Pool): () => void {
  pools.add(pool);
  return () => pools.delete(pool);
}

/** A source of the open connection count (a server's socket engine); returns a function that removes it. */
export function watchConnections(count: () => number): () => void {
  connectionSources.add(count);
  return () => connectionSources.delete(count);
}
