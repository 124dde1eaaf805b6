/**
 * The socket.io Redis streams adapter, with its subscriber's failures handled. The adapter (0.3) subscribes on a
 * duplicate of our client and never awaits the SUBSCRIBE: a server closed while it was pending (or a Redis that
 * drops the connection then) rejected it unhandled. Here the duplicate's subscribe calls are caught and logged; a
 * rejection because our own shutdown disconnected the client is expected and logged at debug level only.
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from 'pino';
import { DisconnectsClientError, type RedisClientType } from 'redis';

type Subscribe = (...args: unknown[]) => Promise<unknown>;
const SUBSCRIBE_METHODS = ['subscribe', 'sSubscribe', 'pSubscribe'] as const;

export function redisStreamsAdapter(redis: RedisClientType, log: Logger): ReturnType<typeof createAdapter> {
  const guarded = new Proxy(redis, {
    get(target, prop) {
      if (prop === 'duplicate') {
        return (...args: Parameters<RedisClientType['duplicate']>) => guardSubscriptions(target.duplicate(...args), log);
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return createAdapter(guarded);
}

/** Catches and logs the rejections of a client's subscribe calls (whoever ignores their promise). */
export function guardSubscriptions<C extends object>(client: C, log: Logger): C {
  const methods = client as unknown as Record<string, Subscribe | undefined>;
  for (const name of SUBSCRIBE_METHODS) {
    const original = methods[name];
    if (typeof original !== 'function') continue;
    methods[name] = (...args: unknown[]) => {
      const pending = original.apply(client, args);
      pending.catch((err: unknown) => {
        if (err instanceof DisconnectsClientError) log.debug({ err }, `redis adapter ${name} cancelled by shutdown`);
        else log.warn({ err }, `redis adapter ${name} failed`);
      });
      return pending;
    };
  }
  return client;
}
