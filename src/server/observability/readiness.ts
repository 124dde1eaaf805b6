import type { RedisClientType } from 'redis';
import type { ReadinessDependency } from '../../protocol/health.js';
import type { Db } from '../db/connect.js';
import { pingDatabase } from '../db/sql-fragments.js';

/** A dependency that does not answer within this long counts as down. */
const CHECK_TIMEOUT_MS = 2_000;
/** Probes in this window share one check, so a flood of /readyz costs the database at most one query a second. */
const CACHE_MS = 1_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const passes = (check: () => Promise<unknown>): Promise<boolean> =>
  withTimeout(check(), CHECK_TIMEOUT_MS).then(
    () => true,
    () => false,
  );

/** Checks the database (`SELECT 1`) and Redis (`PING`, when configured); answers the dependencies that failed. */
export function readinessCheck(db: Db, redis: RedisClientType | undefined): () => Promise<ReadinessDependency[]> {
  let last: { at: number; result: Promise<ReadinessDependency[]> } | undefined;
  const run = async (): Promise<ReadinessDependency[]> => {
    const [database, cache] = await Promise.all([
      passes(() => pingDatabase(db)),
      redis ? (redis.isReady ? passes(() => redis.ping()) : Promise.resolve(false)) : Promise.resolve(true),
    ]);
    const failing: ReadinessDependency[] = [];
    if (!database) failing.push('database');
    if (!cache) failing.push('redis');
    return failing;
  };
  return () => {
    const now = Date.now();
    if (!last || now - last.at >= CACHE_MS) last = { at: now, result: run() };
    return last.result;
  };
}
