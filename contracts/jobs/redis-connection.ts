import type { RedisOptions } from 'bullmq';

/** ioredis options from a redis:// URL, shared by the API's queues and the runner's worker. */
export function redisConnection(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    // BullMQ workers need this; harmless for producers.
    maxRetriesPerRequest: null,
  };
}

/**
 * Options for a producer (the API's queues): with Redis down, a command fails at once instead of waiting
 * in ioredis's offline queue for a reconnection, and one sent to a Redis that stopped answering fails after
 * `timeoutMs` (BullMQ, "Failing fast when Redis is down"). Not for workers: their blocking commands must
 * wait, and BullMQ insists on `maxRetriesPerRequest: null` there. Reconnection is retried every second at
 * most, so the queue is back soon after Redis is.
 */
export function producerConnection(url: string, timeoutMs: number): RedisOptions {
  return {
    ...redisConnection(url),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    retryStrategy: (times: number) => Math.min(200 * times, 1000),
  };
}
