import Redis, { RedisOptions } from 'ioredis';
import { gauge, getLogger, redactSecrets } from '@app/observability';
import type { RedisConfig } from './redis-config';

// Event-driven, so it is right between health checks; the RedisDown alert uses max per replica
// (a replica none of whose connections is up cannot reach Redis).
const connectionUp = gauge({
  name: 'redis_connection_up',
  help: '1 while this Redis connection is ready, 0 while it is down or reconnecting',
  labelNames: ['connection'] as const,
});

/**
 * A new ioredis connection. Every blocking loop gets its own (a BLOCKed connection serves no
 * one else); BullMQ connections pass `{ maxRetriesPerRequest: null }`.
 */
export function createRedis(cfg: RedisConfig, connectionName: string, extra: RedisOptions = {}): Redis {
  const log = getLogger('redis');
  const base: RedisOptions = {
    connectionName,
    // Reconnect forever with a capped backoff: services ride out a Redis restart.
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), 2000),
    ...extra,
  };
  let client: Redis;
  if (cfg.sentinels) {
    const url = new URL(cfg.url);
    const sentinels = cfg.sentinels.split(',').map((hp) => {
      const [host, port] = hp.split(':');
      return { host, port: Number(port) };
    });
    client = new Redis({
      ...base,
      sentinels,
      name: cfg.sentinelName ?? 'mymaster',
      username: url.username || undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
      ...(url.protocol === 'rediss:' ? { tls: {}, enableTLSForSentinelMode: true } : {}),
    });
  } else {
    client = new Redis(cfg.url, base);
  }
  let lastError = '';
  client.on('error', (err: Error) => {
    // ioredis emits the same error on every retry; log each distinct one once.
    const msg = redactSecrets(err.message);
    if (msg !== lastError) log.warn({ connection: connectionName, err: msg }, 'redis connection error');
    lastError = msg;
  });
  connectionUp.set({ connection: connectionName }, 0);
  client.on('close', () => connectionUp.set({ connection: connectionName }, 0));
  client.on('ready', () => {
    connectionUp.set({ connection: connectionName }, 1);
    if (lastError) log.info({ connection: connectionName }, 'redis connection restored');
    lastError = '';
  });
  return client;
}
