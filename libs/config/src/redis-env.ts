import { z } from 'zod';
import { registerSecret } from '@app/observability';
import { DEFAULT_COMMAND_TIMEOUT_MS, type RedisConfig } from '@app/redis-streams';
import { int, unsetIfEmpty } from './env-helpers';

/**
 * Redis connection settings of every service. `redis://` and `rediss://` (TLS) URLs go straight to
 * ioredis; Sentinel is used when `REDIS_SENTINELS` is set, with the URL's password/db applied to
 * the master.
 */
export const redisEnvShape = {
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'REDIS_URL must start with redis:// or rediss://')
    .default('redis://127.0.0.1:6379'),
  /** `host:port,host:port` of Sentinels; empty for a direct connection. */
  REDIS_SENTINELS: z
    .string()
    .regex(/^([^,:\s]+:\d+)(,[^,:\s]+:\d+)*$/, 'REDIS_SENTINELS must be host:port[,host:port...]')
    .optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).default('mymaster'),
  /**
   * `host:port,host:port` of some nodes of a Redis Cluster (the others are discovered); empty for a
   * single Redis or Sentinel. REDIS_URL then gives only the user, password and TLS (rediss://).
   */
  REDIS_CLUSTER_NODES: unsetIfEmpty(
    z
      .string()
      .regex(/^([^,:\s]+:\d+)(,[^,:\s]+:\d+)*$/, 'REDIS_CLUSTER_NODES must be host:port[,host:port...]')
      .optional(),
  ),
  /**
   * A connection with a command outstanding that hears nothing from Redis for this long is dead
   * (a hung network path) and is replaced; a command fails after twice that. Blocking reads add
   * their BLOCK time.
   */
  REDIS_COMMAND_TIMEOUT_MS: int(100, 600_000).default(DEFAULT_COMMAND_TIMEOUT_MS),
};

export const redisEnvSchema = z.object(redisEnvShape);

export type RedisEnv = z.infer<typeof redisEnvSchema>;

export function redisConfigFromEnv(env: RedisEnv): RedisConfig {
  return {
    url: env.REDIS_URL,
    clusterNodes: env.REDIS_CLUSTER_NODES,
    sentinels: env.REDIS_SENTINELS,
    sentinelName: env.REDIS_SENTINEL_NAME,
    commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
  };
}

/** A password in REDIS_URL is a secret: scrubbed from every log line and error from now on. */
export function registerRedisSecrets(url: string): void {
  try {
    const password = new URL(url).password;
    if (password) {
      registerSecret(password);
      registerSecret(decodeURIComponent(password));
    }
  } catch {
    // The schema already checked the scheme; an unparsable rest fails later with a clear Redis error.
  }
}
