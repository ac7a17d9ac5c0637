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
