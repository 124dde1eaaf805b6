import type { RedisClientType } from 'redis';

/**
 * Who is online: connected sockets per user, across every instance. In memory for one instance; in Redis (a hash per
 * user of instance → socket count, plus a heartbeat per instance so a killed instance's counts stop counting) when
 * REDIS_URL is set.
 */
export interface Presence {
  onlineMany(userIds: string[]): Promise<Set<string>>;
  /** Resolves true when this is the user's first connection anywhere (they just came online). */
  connected(userId: string): Promise<boolean>;
  /** Resolves true when this was the user's last connection anywhere (they just went offline). */
  disconnected(userId: string): Promise<boolean>;
  close(): Promise<void>;
}

export async function isOnline(presence: Presence, userId: string): Promise<boolean> {
  return (await presence.onlineMany([userId])).has(userId);
}

export function memoryPresence(): Presence {
  const counts = new Map<string, number>();
  return {
    onlineMany: (ids) => Promise.resolve(new Set(ids.filter((id) => (counts.get(id) ?? 0) > 0))),
    connected(userId) {
      const n = (counts.get(userId) ?? 0) + 1;
      counts.set(userId, n);
      return Promise.resolve(n === 1);
    },
    disconnected(userId) {
      const n = (counts.get(userId) ?? 1) - 1;
      if (n <= 0) counts.delete(userId);
      else counts.set(userId, n);
      return Promise.resolve(n <= 0);
    },
    close: () => Promise.resolve(),
  };
}

const HEARTBEAT_MS = 5_000;
const INSTANCE_TTL_S = 15;
const key = (userId: string) => `parley:presence:${userId}`;
const instanceKey = (id: string) => `parley:instance:${id}`;

export function redisPresence(redis: RedisClientType): Presence {
  const instanceId = crypto.randomUUID();
  let live = new Set<string>([instanceId]);
  const beat = async () => {
    await redis.set(instanceKey(instanceId), '1', { EX: INSTANCE_TTL_S });
    await redis.sAdd('parley:instances', instanceId);
    const all = await redis.sMembers('parley:instances');
    const exists = await Promise.all(all.map((id) => redis.exists(instanceKey(id))));
    const alive = all.filter((_, i) => exists[i] === 1);
    const dead = all.filter((_, i) => exists[i] !== 1);
    if (dead.length > 0) await redis.sRem('parley:instances', dead);
    live = new Set([instanceId, ...alive]);
  };
  const timer = setInterval(() => void beat().catch(() => undefined), HEARTBEAT_MS);
  timer.unref();
  void beat().catch(() => undefined);

  const total = (fields: Record<string, string>) =>
    Object.entries(fields).reduce((sum, [inst, n]) => sum + (live.has(inst) ? Math.max(0, Number(n)) : 0), 0);

  return {
    async onlineMany(ids) {
      if (ids.length === 0) return new Set();
      const multi = redis.multi();
      for (const id of ids) multi.hGetAll(key(id));
      const rows = (await multi.exec()) as unknown as Record<string, string>[];
      return new Set(ids.filter((_, i) => total(rows[i] ?? {}) > 0));
    },
    async connected(userId) {
      await redis.hIncrBy(key(userId), instanceId, 1);
      return total(await redis.hGetAll(key(userId))) === 1;
    },
    async disconnected(userId) {
      const n = await redis.hIncrBy(key(userId), instanceId, -1);
      if (n <= 0) await redis.hDel(key(userId), instanceId);
      return total(await redis.hGetAll(key(userId))) === 0;
    },
    async close() {
      clearInterval(timer);
      await redis.del(instanceKey(instanceId)).catch(() => undefined);
      await redis.sRem('parley:instances', instanceId).catch(() => undefined);
    },
  };
}
