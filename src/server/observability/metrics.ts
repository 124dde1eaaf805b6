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

/**
 * Counts of answered events by event and outcome, and of sends by outcome, since the last scrape: the send path adds
 * to a plain number, and prom-client's counters take the sums when scraped (`collect`). A labelled `inc` per event
 * (hashing its labels each time) cost more than anything else here.
 */
const eventCounts = new Map<string, Map<string, number>>();
const sendCounts = new Map<string, number>();

new Counter({
  name: 'parley_socket_events_total',
  help: 'Socket events answered, by event and outcome (ok or the error code).',
  labelNames: ['event', 'outcome'] as const,
  registers: [registry],
  collect() {
    for (const [event, outcomes] of eventCounts) {
      for (const [outcome, n] of outcomes) if (n > 0) this.inc({ event, outcome }, n);
    }
    eventCounts.clear();
  },
});

new Counter({
  name: 'parley_messages_total',
  help: 'messages:send answered, by outcome (stored, or the error code).',
  labelNames: ['outcome'] as const,
  registers: [registry],
  collect() {
    for (const [outcome, n] of sendCounts) if (n > 0) this.inc({ outcome }, n);
    sendCounts.clear();
  },
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
 * A socket event was answered with `body`: its outcome is counted and, for messages:send, the time from its arrival
 * (`started`, from performance.now()) to its answer observed.
 */
export function observeAnswer(event: string, body: AckBody, started: number): void {
  const outcome = 'error' in body ? body.error.code : 'ok';
  let outcomes = eventCounts.get(event);
  if (!outcomes) eventCounts.set(event, (outcomes = new Map<string, number>()));
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  if (event === 'messages:send') {
    const sent = outcome === 'ok' ? 'stored' : outcome;
    sendCounts.set(sent, (sendCounts.get(sent) ?? 0) + 1);
    sendAck.observe((performance.now() - started) / 1000);
  }
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
