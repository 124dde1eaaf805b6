import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_KDF } from '../protocol/auth.js';

/** Minimum client-side Argon2id parameters the server accepts (64 MiB, t=3, p=1). */
export const PRODUCTION_MIN_KDF = {
  memoryKiB: DEFAULT_KDF.memoryKiB,
  iterations: DEFAULT_KDF.iterations,
  parallelism: DEFAULT_KDF.parallelism,
} as const;
/** Lowered minimum for tests only; a production start refuses it. */
export const INSECURE_TEST_MIN_KDF = { memoryKiB: 256, iterations: 1, parallelism: 1 } as const;

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = z.coerce.number().int().positive();

/** The push services of the browsers (Chrome/Edge via FCM, Firefox, Windows, Safari): the only hosts pushes go to. */
export const DEFAULT_PUSH_SERVICE_HOSTS = [
  'fcm.googleapis.com',
  'push.services.mozilla.com',
  'notify.windows.com',
  'push.apple.com',
];

const EnvSchema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('production'),
  PORT: z.coerce.number().int().min(0).max(65535).default(5000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// (leave it unset for the embedded SQLite file)')
    .optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'REDIS_URL must start with redis:// or rediss://').optional(),
  PUBLIC_ORIGIN: z.string().optional(),
  TLS_CERT: z.string().optional(),
  TLS_KEY: z.string().optional(),
  TRUST_PROXY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_IDLE_HOURS: positiveInt.default(24 * 14),
  SESSION_ABSOLUTE_DAYS: positiveInt.default(90),
  LOGIN_FAILURES_PER_ACCOUNT: positiveInt.default(5),
  LOGIN_FAILURES_PER_ADDRESS: positiveInt.default(50),
  SIGNUPS_PER_ADDRESS_PER_HOUR: positiveInt.default(20),
  MESSAGES_PER_CONNECTION_PER_10S: positiveInt.default(50),
  EVENTS_PER_CONNECTION_PER_10S: positiveInt.default(300),
  MESSAGES_PER_USER_PER_10S: positiveInt.default(150),
  EVENTS_PER_USER_PER_10S: positiveInt.default(1000),
  SOCKETS_PER_SESSION: positiveInt.default(8),
  SOCKETS_PER_USER: positiveInt.default(16),
  SOCKET_REQUESTS_IN_FLIGHT: positiveInt.default(8),
  SOCKET_REQUESTS_QUEUED: z.coerce.number().int().min(0).default(64),
  SOCKET_OUTPUT_MAX_KIB: positiveInt.default(2048),
  USER_REQUESTS_IN_FLIGHT: positiveInt.default(8),
  USER_PAGE_READS_IN_FLIGHT: positiveInt.default(2),
  USER_PAGE_KIB_PER_SECOND: positiveInt.default(2048),
  USER_PAGE_BURST_KIB: positiveInt.default(4096),
  PAGE_MAX_KIB: positiveInt.default(256),
  PARLEY_INSECURE_TEST_KDF: bool.default(false),
  PARLEY_INSECURE_TEST_SERVER_HASH: bool.default(false),
  WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  SOCKET_TRANSPORTS: z.enum(['websocket', 'polling,websocket', 'websocket,polling']).optional(),
  MAX_FILE_BYTES: positiveInt.default(100 * 1024 * 1024),
  USER_QUOTA_BYTES: positiveInt.default(1024 * 1024 * 1024),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  PUSH_COALESCE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  PUSH_SUBJECT: z.string().regex(/^(mailto:|https:\/\/)/, 'PUSH_SUBJECT must be a mailto: or https: URL').default('mailto:operator@parley.invalid'),
  PUSH_SERVICE_HOSTS: z.string().default(DEFAULT_PUSH_SERVICE_HOSTS.join(',')),
  PUSH_ALLOW_HTTP: bool.default(false),
});

export type TrustProxy = boolean | string[] | ((address: string, hop: number) => boolean);

export interface Config {
  env: 'production' | 'development' | 'test';
  port: number;
  host: string;
  dataDir: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  redisUrl: string | undefined;
  /** Origins allowed to make state-changing requests and open sockets. */
  allowedOrigins: string[];
  tls: { certFile: string; keyFile: string } | undefined;
  trustProxy: TrustProxy;
  logLevel: string;
  session: { idleMs: number; absoluteMs: number };
  limits: {
    loginFailuresPerAccount: number;
    loginFailuresPerAddress: number;
    signupsPerAddressPerHour: number;
    messagesPerConnectionPer10s: number;
    eventsPerConnectionPer10s: number;
    /** Counted per user over all their connections (through Redis when REDIS_URL is set). */
    messagesPerUserPer10s: number;
    eventsPerUserPer10s: number;
    socketsPerSession: number;
    socketsPerUser: number;
  };
  /** Per-connection backpressure and memory bounds (src/server/realtime/backpressure.ts). */
  backpressure: {
    /** Requests of one connection running at once. */
    requestsInFlight: number;
    /** Requests of one connection waiting for a free slot; more are refused RATE_LIMITED. */
    requestsQueued: number;
    /** Bytes a connection may leave unread (queued by engine.io and buffered by its TCP socket) before it is cut. */
    outputMaxBytes: number;
    /** Requests of one user running at once over all their connections (src/server/realtime/user-gate.ts). */
    userRequestsInFlight: number;
    /** Of those, pages (history, catch-up, vault records) of one user being read at once. */
    userPageReadsInFlight: number;
    /** Bytes of pages one user may be sent per second over all their connections (src/server/realtime/page-budget.ts). */
    userPageBytesPerSecond: number;
    /** Bytes of pages one user may be sent at once before that rate applies. */
    userPageBurstBytes: number;
    /** Bytes of message bodies in one history or catch-up page (at least one message is always sent). */
    pageMaxBytes: number;
  };
  minKdf: { memoryKiB: number; iterations: number; parallelism: number };
  /** NODE_ENV=test only: the server hashes authKeys with argon2id m=256 KiB, t=1 (load benchmarks' mass sign-ups). */
  insecureTestServerHash: boolean;
  /** Worker processes on this machine (`WORKERS=N npm start`); more than one needs REDIS_URL. */
  workers: number;
  /** socket.io transports: WebSocket only when several instances serve (no sticky sessions needed). */
  transports: ('websocket' | 'polling')[];
  /** Where the web UI is served from; never from the environment: only test servers set it (to the test build). */
  webRoot?: string;
  /** Encrypted attachments: the largest file, each user's total, and where the bytes go on SQLite. */
  files: { maxFileBytes: number; userQuotaBytes: number; dir: string };
  /** The Prometheus listener (METRICS_PORT), separate from the public port; undefined: no metrics served. */
  metrics: { port: number; host: string; token: string | undefined } | undefined;
  /** Web Push: the coalescing window per conversation, the VAPID subject, the push services' hosts allowed. */
  push: { coalesceMs: number; subject: string; serviceHosts: string[]; allowHttp: boolean };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

function parseTrustProxy(raw: string | undefined): TrustProxy {
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    return (_address: string, hop: number) => hop < hops;
  }
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

function parseOrigin(value: string, problems: string[]): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    return url.origin;
  } catch {
    problems.push(`PUBLIC_ORIGIN: "${value}" is not an http(s) origin such as https://chat.example.com`);
    return undefined;
  }
}

/** Environment → typed configuration. The only reader of process.env in the server. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];

  if ((e.TLS_CERT === undefined) !== (e.TLS_KEY === undefined)) {
    problems.push('TLS_CERT and TLS_KEY must be set together (run `npm run cert` for a local certificate)');
  }
  const tls = e.TLS_CERT && e.TLS_KEY ? { certFile: e.TLS_CERT, keyFile: e.TLS_KEY } : undefined;
  const trustProxy = parseTrustProxy(e.TRUST_PROXY);

  if (!isLoopbackHost(e.HOST) && !tls && trustProxy === false) {
    problems.push(
      `HOST=${e.HOST} is not a loopback address and neither TLS nor a proxy is configured: refusing to serve plain HTTP ` +
        'to the network. Set TLS_CERT and TLS_KEY (see `npm run cert`), or set TRUST_PROXY when a TLS-terminating ' +
        'reverse proxy sits in front, or use HOST=127.0.0.1.',
    );
  }
  if (e.PARLEY_INSECURE_TEST_KDF && e.NODE_ENV !== 'test') {
    problems.push('PARLEY_INSECURE_TEST_KDF lowers the password KDF minimum and is allowed only with NODE_ENV=test');
  }
  if (e.PARLEY_INSECURE_TEST_SERVER_HASH && e.NODE_ENV !== 'test') {
    problems.push('PARLEY_INSECURE_TEST_SERVER_HASH lowers the server-side authKey hash and is allowed only with NODE_ENV=test');
  }

  const scheme = tls ? 'https' : 'http';
  let allowedOrigins: string[];
  if (e.PUBLIC_ORIGIN) {
    allowedOrigins = e.PUBLIC_ORIGIN.split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((o) => parseOrigin(o, problems))
      .filter((o): o is string => o !== undefined);
  } else {
    const portPart = (defaultPort: number) => (e.PORT === defaultPort ? '' : `:${e.PORT}`);
    const p = portPart(scheme === 'https' ? 443 : 80);
    const hosts = new Set(['localhost', '127.0.0.1']);
    if (e.HOST !== '0.0.0.0' && e.HOST !== '::') hosts.add(isIP(e.HOST) === 6 ? `[${e.HOST}]` : e.HOST);
    allowedOrigins = [...hosts].map((h) => `${scheme}://${h}${p}`);
  }

  if (e.WORKERS > 1 && !e.REDIS_URL) {
    problems.push(`WORKERS=${e.WORKERS} needs REDIS_URL: workers share rooms, presence and rate limits through Redis`);
  }
  if (e.WORKERS > 1 && !e.DATABASE_URL) {
    problems.push(`WORKERS=${e.WORKERS} needs DATABASE_URL (PostgreSQL): several processes should not share one SQLite file`);
  }
  const multiInstance = e.WORKERS > 1 || e.REDIS_URL !== undefined;
  const transports = (e.SOCKET_TRANSPORTS ?? (multiInstance ? 'websocket' : 'polling,websocket')).split(',') as (
    | 'websocket'
    | 'polling'
  )[];

  if (e.METRICS_PORT !== undefined && !isLoopbackHost(e.METRICS_HOST) && e.METRICS_TOKEN === undefined) {
    problems.push(`METRICS_HOST=${e.METRICS_HOST} is not a loopback address: set METRICS_TOKEN so only your Prometheus can read metrics`);
  }

  if (e.PUSH_ALLOW_HTTP && e.NODE_ENV !== 'test') {
    problems.push('PUSH_ALLOW_HTTP accepts plain-http push endpoints and is allowed only with NODE_ENV=test');
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(e.DATA_DIR);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'sqlite', file: path.join(dataDir, 'parley.sqlite') },
    redisUrl: e.REDIS_URL,
    allowedOrigins,
    tls,
    trustProxy,
    logLevel: e.LOG_LEVEL,
    session: { idleMs: e.SESSION_IDLE_HOURS * 3_600_000, absoluteMs: e.SESSION_ABSOLUTE_DAYS * 86_400_000 },
    limits: {
      loginFailuresPerAccount: e.LOGIN_FAILURES_PER_ACCOUNT,
      loginFailuresPerAddress: e.LOGIN_FAILURES_PER_ADDRESS,
      signupsPerAddressPerHour: e.SIGNUPS_PER_ADDRESS_PER_HOUR,
      messagesPerConnectionPer10s: e.MESSAGES_PER_CONNECTION_PER_10S,
      eventsPerConnectionPer10s: e.EVENTS_PER_CONNECTION_PER_10S,
      messagesPerUserPer10s: e.MESSAGES_PER_USER_PER_10S,
      eventsPerUserPer10s: e.EVENTS_PER_USER_PER_10S,
      socketsPerSession: e.SOCKETS_PER_SESSION,
      socketsPerUser: e.SOCKETS_PER_USER,
    },
    backpressure: {
      requestsInFlight: e.SOCKET_REQUESTS_IN_FLIGHT,
      requestsQueued: e.SOCKET_REQUESTS_QUEUED,
      outputMaxBytes: e.SOCKET_OUTPUT_MAX_KIB * 1024,
      userRequestsInFlight: e.USER_REQUESTS_IN_FLIGHT,
      userPageReadsInFlight: e.USER_PAGE_READS_IN_FLIGHT,
      userPageBytesPerSecond: e.USER_PAGE_KIB_PER_SECOND * 1024,
      userPageBurstBytes: e.USER_PAGE_BURST_KIB * 1024,
      pageMaxBytes: e.PAGE_MAX_KIB * 1024,
    },
    minKdf: e.PARLEY_INSECURE_TEST_KDF ? { ...INSECURE_TEST_MIN_KDF } : { ...PRODUCTION_MIN_KDF },
    insecureTestServerHash: e.PARLEY_INSECURE_TEST_SERVER_HASH,
    workers: e.WORKERS,
    transports,
    files: { maxFileBytes: e.MAX_FILE_BYTES, userQuotaBytes: e.USER_QUOTA_BYTES, dir: path.join(dataDir, 'blobs') },
    metrics: e.METRICS_PORT === undefined ? undefined : { port: e.METRICS_PORT, host: e.METRICS_HOST, token: e.METRICS_TOKEN },
    push: {
      coalesceMs: e.PUSH_COALESCE_MS,
      subject: e.PUSH_SUBJECT,
      serviceHosts: e.PUSH_SERVICE_HOSTS.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean),
      allowHttp: e.PUSH_ALLOW_HTTP,
    },
  };
}
