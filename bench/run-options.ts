// The load benchmark's command line (bench/run.ts): its options, defaults and help, and the run's label and id.
import { parseArgs } from 'node:util';
import type { BodyKind, ParleyClientKind } from './protocol.js';

export const { values: args } = parseArgs({
  options: {
    users: { type: 'string' },
    'active-fraction': { type: 'string' },
    rates: { type: 'string' },
    'relay-rates': { type: 'string' },
    'step-seconds': { type: 'string' },
    'drain-seconds': { type: 'string' },
    'budget-ms': { type: 'string' },
    generators: { type: 'string' },
    concurrency: { type: 'string' },
    'message-bytes': { type: 'string' },
    label: { type: 'string' },
    short: { type: 'boolean', default: false },
    url: { type: 'string' },
    'server-pid': { type: 'string' },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
    workers: { type: 'string' },
    'no-relay': { type: 'boolean', default: false },
    'relay-only': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'heap-prof': { type: 'boolean', default: false },
    'gc-stats': { type: 'boolean', default: false },
    'heap-snapshot': { type: 'boolean', default: false },
    'keep-data': { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    nice: { type: 'string' },
    'keep-going': { type: 'boolean', default: false },
    'warmup-seconds': { type: 'string' },
    'node-flags': { type: 'string' },
    client: { type: 'string' },
    body: { type: 'string' },
    'commit-every': { type: 'string' },
    'source-addresses': { type: 'string' },
    'server-hash': { type: 'string' },
    'server-dir': { type: 'string' },
    uncapped: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`npm run bench -- [options]
  --users N              connected users (default 10000; --short 200)
  --active-fraction F    share of users in chatting pairs/groups (default 0.1; --short 0.5)
  --rates A,B,C          target messages/s per step (default 500,1000,2000,4000,8000,16000; --short 100,300)
  --relay-rates A,B,C    steps for the bare relay (default: --rates)
  --step-seconds S       length of each step (default 10; --short 5)
  --drain-seconds S      longest wait after a step for acks/deliveries (default 10; --short 5)
  --budget-ms MS         p99 send→deliver budget (default 50)
  --generators N         load generator processes (default 2)
  --concurrency N        sign-ups/connects in flight per generator (default 16)
  --message-bytes N      body size (default 128)
  --label NAME           results go to bench/results/bench-NAME.json
  --url URL              a Parley server already running (its rate limits must allow the load)
  --server-pid PID       with --url: the process to measure (RSS, CPU)
  --database-url URL     PostgreSQL for the started server (default: a fresh SQLite file)
  --redis-url URL        Redis for the started server
  --workers N            WORKERS=N for the started server (needs --database-url and --redis-url)
  --no-relay / --relay-only   skip the relay / Parley
  --client wire|sdk      how the generators speak to Parley (default wire: a bare socket.io client, as for the relay;
                         sdk: the full ParleyClient, whose ordering, outbox and validation cost the generators CPU;
                         the default with --workers > 1, where only the SDK restores the order of live events)
  --body mls|plain       message bodies (default mls: every conversation is a real MLS group, every message a real
                         PrivateMessage encrypted before the step, commits mixed in; plain: UTF-8 text, no MLS check).
                         With mls the relay carries bodies of the same size
  --commit-every N       with --body mls: one commit (fresh keys) per N messages (default 500; 0: none)
  --source-addresses N   spread connections over 127.0.0.2 … 127.0.0.(N+1) (default: one per 20,000 users; 1: the
                         kernel's choice), so that the ~28,000 ephemeral ports of one source address do not bind
  --server-hash production|test   the server's authKey hash at sign-up (default production up to 10,000 users, then
                         test: argon2id m=256 KiB, t=1, NODE_ENV=test only; at ~100 ms of a core a production hash,
                         50,000 sign-ups would take over 40 minutes on 2 cores — sign-up is not what this measures)
  --server-dir DIR       run the Parley server of another checkout (its src/server/main.ts and node_modules), e.g.
                         a worktree of an older commit, with this benchmark's clients and measures (A/B)
  --uncapped             raise the server's in-flight caps (per connection and per user) out of the way: an A/B
                         against code older than them (eeaffff) measures the send path, not the abuse bounds
  --cpu-prof             profile the server (node --cpu-prof) and summarise where its time went
  --heap-prof            a sampling heap profile of the server over the ramp's steps, garbage included (what it
                         allocates, by function: bench/heap-sampler.mjs, bench/heap-summary.ts), with --gc-stats
  --gc-stats             the server's garbage collections over the ramp's steps, by kind, and its heap spaces at the
                         start and end (cheap: no sampling)
  --heap-snapshot        with --gc-stats: a heap snapshot of the server before the first step (every user connected)
  --node-flags=…         extra node flags for the server and the relay (e.g. --node-flags=--max-semi-space-size=64)
  --keep-data            keep the SQLite directory
  --data-dir DIR         make the SQLite directory under DIR (default: the OS temp dir)
  --warmup-seconds S     a warm-up at min(first rate, 500) msg/s before the ramp, not a step (default 5; 0: none)
  --keep-going           run every step even past the budget (stop only when messages fail, go missing or double)
  --nice=N               run the server, relay and generators at this nice value (e.g. --nice=-10 as root on a busy machine)`);
  process.exit(0);
}

export const short = args.short;
/** The warm-up's rate at most: enough to compile the hot paths, far below any server's limit. */
export const WARMUP_RATE = 500;
function bodyKind(v: string | undefined): BodyKind {
  if (v === 'mls' || v === 'plain') return v;
  throw new Error(`--body is mls or plain, not ${v}`);
}
function clientKind(v: string | undefined): ParleyClientKind {
  if (v === 'wire' || v === 'sdk') return v;
  throw new Error(`--client is wire or sdk, not ${v}`);
}
const num = (v: string | undefined, fallback: number): number => {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a number: ${v}`);
  return n;
};
const rateList = (v: string | undefined, fallback: number[]): number[] =>
  v === undefined ? fallback : v.split(',').map((s) => num(s.trim(), 0)).filter((n) => n > 0);

export const opts = {
  users: Math.floor(num(args.users, short ? 200 : 10_000)),
  activeFraction: num(args['active-fraction'], short ? 0.5 : 0.1),
  rates: rateList(args.rates, short ? [100, 300] : [500, 1000, 2000, 4000, 8000, 16000]),
  relayRates: [] as number[],
  stepSeconds: num(args['step-seconds'], short ? 5 : 10),
  drainSeconds: num(args['drain-seconds'], short ? 5 : 10),
  budgetMs: num(args['budget-ms'], 50),
  generators: Math.max(1, Math.floor(num(args.generators, 2))),
  concurrency: Math.max(1, Math.floor(num(args.concurrency, 16))),
  messageBytes: Math.floor(num(args['message-bytes'], 128)),
  url: args.url,
  serverPid: args['server-pid'] ? Number(args['server-pid']) : undefined,
  databaseUrl: args['database-url'],
  redisUrl: args['redis-url'],
  workers: Math.max(1, Math.floor(num(args.workers, 1))),
  warmupSeconds: num(args['warmup-seconds'], short ? 0 : 5),
  relay: !args['no-relay'],
  // Across instances live events may arrive out of order (the SDK restores the order; a bare client would not).
  client: clientKind(args.client ?? (Number(args.workers ?? 1) > 1 ? 'sdk' : 'wire')),
  body: bodyKind(args.body ?? (args.client === 'sdk' || Number(args.workers ?? 1) > 1 ? 'plain' : 'mls')),
  commitEvery: Math.floor(num(args['commit-every'], 500)),
  sourceAddresses: [] as string[],
  insecureServerHash: (args['server-hash'] ?? (Number(args.users ?? 0) > 10_000 ? 'test' : 'production')) === 'test',
  serverDir: args['server-dir'],
  uncapped: args.uncapped,
  parley: !args['relay-only'],
  cpuProf: args['cpu-prof'],
  heapProf: args['heap-prof'],
  gcStats: args['gc-stats'] || args['heap-prof'] || args['heap-snapshot'],
  heapSnapshot: args['heap-snapshot'],
  nodeFlags: (args['node-flags'] ?? '').split(' ').filter(Boolean),
  keepData: args['keep-data'],
  dataDir: args['data-dir'],
  nice: args.nice === undefined ? undefined : Number(args.nice),
  keepGoing: short || args['keep-going'],
};
opts.relayRates = rateList(args['relay-rates'], opts.rates);
{
  const n = Math.max(1, Math.floor(num(args['source-addresses'], Math.ceil(opts.users / 20_000))));
  opts.sourceAddresses = n <= 1 ? [] : Array.from({ length: n }, (_, i) => `127.0.0.${i + 2}`);
}
if (opts.body === 'mls' && opts.client !== 'wire') throw new Error('--body mls needs --client wire');
export const dialect = opts.url ? 'external' : opts.databaseUrl ? 'postgres' : 'sqlite';
export const label = args.label ?? (short ? 'short' : `${dialect}-${opts.users}u${opts.workers > 1 ? `-${opts.workers}w` : ''}`);
export const runId = Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, '0');
