import type Redis from 'ioredis';
import type { RedisConfig } from './redis-config';
import { createRedis } from './redis-connection';

/**
 * A connection for a one-shot command-line tool (`npm run signals:demo`): the services' own
 * connection (a Cluster when `cfg.clusterNodes` is set, Sentinel, TLS, deadlines) but with no
 * reconnecting, so an unreachable Redis is an error at once, not an endless wait. Rejects with
 * the connection's own error (e.g. ECONNREFUSED); the caller closes it with `disconnect()`.
 */
export async function connectOnce(cfg: RedisConfig, name: string): Promise<Redis> {
  const redis = createRedis(cfg, name, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 1 });
  let lastError: Error | undefined;
  // The caller reports the failure once, with its context; no warning line per attempt.
  redis.removeAllListeners('error');
  redis.removeAllListeners('node error');
  redis.on('error', (err: Error) => (lastError = err));
  try {
    await redis.connect();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw lastError ?? err;
  }
}
