import { z } from 'zod';

/**
 * Redis connection settings shared by every app's config schema. `redis://` and `rediss://` (TLS)
 * URLs go straight to ioredis; Sentinel is used when `REDIS_SENTINELS` is set, with the URL's
 * password/db applied to the master.
 */
export const redisEnvSchema = z.object({
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
});

export interface RedisConfig {
  url: string;
  sentinels?: string;
  sentinelName?: string;
}

export function redisConfigFromEnv(env: z.infer<typeof redisEnvSchema>): RedisConfig {
  return { url: env.REDIS_URL, sentinels: env.REDIS_SENTINELS, sentinelName: env.REDIS_SENTINEL_NAME };
}
