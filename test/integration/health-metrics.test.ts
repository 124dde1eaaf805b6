import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { CutProxy } from '../support/cut-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { dialect, testEnv } from '../support/env.js';
import { LogCapture } from '../support/logs.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, eventually, inbox, signedIn } from '../support/users.js';

/** Polls `check` until it holds (a status we wait for, not a sleep); fails after `timeoutMs`. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function readyz(url: string): Promise<{ status: number; body: { status: string; failing: string[] } }> {
  const res = await fetch(new URL('/readyz', url));
  return { status: res.status, body: (await res.json()) as { status: string; failing: string[] } };
}

/** The value of one sample line of a Prometheus text exposition (0 when absent). */
function sample(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

const METRICS_TOKEN = 'scrape-token-for-tests-0123456789';

describe(`health and metrics (${dialect})`, () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ env: { METRICS_PORT: '0', METRICS_TOKEN } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const scrape = async (token = METRICS_TOKEN) => {
    const url = t.server.metricsUrl;
    if (!url) throw new Error('no metrics listener');
    return fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  };

  it('/healthz and /readyz answer without a session and without detail', async () => {
    const health = await fetch(new URL('/healthz', t.url));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await readyz(t.url)).toEqual({ status: 200, body: { status: 'ready', failing: [] } });
  });

  it('metrics are served on their own loopback listener, never on the public port', async () => {
    const metricsUrl = new URL(t.server.metricsUrl ?? '');
    expect(metricsUrl.hostname).toBe('127.0.0.1');
    expect(metricsUrl.port).not.toBe(new URL(t.url).port);

    const onPublic = await fetch(new URL('/metrics', t.url));
    const publicText = await onPublic.text();
    expect(publicText).not.toContain('parley_');
    expect(publicText).not.toContain('# HELP');
    expect(onPublic.headers.get('content-type') ?? '').not.toContain('version=0.0.4');

    expect((await scrape('')).status).toBe(401);
    expect((await scrape('wrong-token-wrong-token-wrong')).status).toBe(401);
    const res = await scrape();
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const name of ['parley_socket_connections', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'parley_db_query_seconds_count']) {
      expect(text).toContain(name);
    }
  });

  it('after a short chat the message counter, the send→ack histogram and the batch sizes have moved', async () => {
    const before = await (await scrape()).text();
    const alice = await signedIn(t, 'alice');
    const bob = await signedIn(t, 'bob');
    try {
      await befriend(alice, bob);
      const bobInbox = inbox(bob);
      const { id } = await alice.conversations.openDirect('bob');
      const during = await (await scrape()).text();
      expect(sample(during, 'parley_socket_connections')).toBeGreaterThanOrEqual(2);
      for (const text of ['one', 'two', 'three']) await alice.messages.send(id, text);
      await eventually(() => bobInbox.filter((m) => m.sender === 'alice').length === 3, 10_000, 'bob to read three messages');

      const after = await (await scrape()).text();
      const stored = 'outcome="stored"';
      expect(sample(after, 'parley_messages_total', stored) - sample(before, 'parley_messages_total', stored)).toBeGreaterThanOrEqual(3);
      expect(sample(after, 'parley_send_ack_seconds_count') - sample(before, 'parley_send_ack_seconds_count')).toBeGreaterThanOrEqual(3);
      expect(sample(after, 'parley_send_ack_seconds_sum')).toBeGreaterThan(sample(before, 'parley_send_ack_seconds_sum'));
      expect(sample(after, 'parley_send_batch_size_count')).toBeGreaterThan(sample(before, 'parley_send_batch_size_count'));
      expect(sample(after, 'parley_socket_events_total', 'event="messages:send",outcome="ok"')).toBeGreaterThanOrEqual(3);
      // Labels are event names and outcomes: no user name, conversation id or text reaches the metrics.
      for (const secret of ['alice', 'bob', id, 'three']) expect(after).not.toContain(secret);
    } finally {
      alice.close();
      bob.close();
    }
  });
});

/** A server whose database and Redis are reached through proxies the test can cut, as if they stopped. */
async function serverBehindProxies(db: TestDatabase, pg: CutProxy | undefined, redis: CutProxy): Promise<RunningServer> {
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    PARLEY_INSECURE_TEST_KDF: 'true',
    HOST: '127.0.0.1',
    PORT: '0',
    ...db.env,
    REDIS_URL: redis.route(testEnv.redisUrl ?? ''),
  };
  if (pg && db.postgresUrl) env.DATABASE_URL = pg.route(db.postgresUrl);
  const server = await startServer(loadConfig(env), new LogCapture());
  // Marker: the socket.io adapter has subscribed to its private channel. A Redis drop before that rejects the
  // adapter's SUBSCRIBE with nobody listening (a race inside @socket.io/redis-streams-adapter at start).
  const uid = (server.io.of('/').adapter as unknown as { uid: string }).uid;
  const probe = createClient({ url: testEnv.redisUrl });
  await probe.connect();
  try {
    await until(async () => {
      const counts = await probe.pubSubNumSub(`socket.io#/#${uid}#`);
      return Object.values(counts).some((n) => Number(n) > 0);
    }, 'the adapter to subscribe');
  } finally {
    await probe.quit();
  }
  return server;
}

describe.skipIf(!testEnv.redisUrl && !testEnv.require.has('redis'))(`/readyz follows its dependencies (${dialect})`, () => {
  let db: TestDatabase;
  let pg: CutProxy | undefined;
  let redis: CutProxy;
  let server: RunningServer;

  beforeAll(async () => {
    if (!testEnv.redisUrl) throw new Error('PARLEY_TEST_REQUIRE has "redis" but PARLEY_TEST_REDIS_URL is not set');
    db = await createTestDatabase();
    redis = new CutProxy(Number(new URL(testEnv.redisUrl).port || 6379));
    await redis.start();
    if (db.postgresUrl) {
      pg = new CutProxy(Number(new URL(db.postgresUrl).port || 5432));
      await pg.start();
    }
    server = await serverBehindProxies(db, pg, redis);
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all([pg?.close(), redis?.close()]);
    await db?.drop();
  });

  it.skipIf(dialect !== 'postgres')('503 naming the database while PostgreSQL is unreachable, 200 once it is back', async () => {
    expect((await readyz(server.url)).status).toBe(200);
    await pg?.cut();
    await until(async () => (await readyz(server.url)).status === 503, '/readyz to turn 503');
    expect((await readyz(server.url)).body).toEqual({ status: 'unavailable', failing: ['database'] });
    // Liveness does not depend on the database.
    expect((await fetch(new URL('/healthz', server.url))).status).toBe(200);
    await pg?.restore();
    await until(async () => (await readyz(server.url)).status === 200, '/readyz to turn 200 again');
  });

  it('503 naming Redis while Redis is unreachable, 200 once it is back', async () => {
    expect((await readyz(server.url)).status).toBe(200);
    await redis.cut();
    await until(async () => (await readyz(server.url)).status === 503, '/readyz to turn 503');
    expect((await readyz(server.url)).body).toEqual({ status: 'unavailable', failing: ['redis'] });
    await redis.restore();
    await until(async () => (await readyz(server.url)).status === 200, '/readyz to turn 200 again', 30_000);
  });
});
