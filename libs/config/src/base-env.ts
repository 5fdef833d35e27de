import { z } from 'zod';
import type { RedisConfig } from '@app/redis-streams';
import { int, LOG_LEVELS, type LogLevel } from './env-helpers';
import { redisConfigFromEnv, redisEnvShape, registerRedisSecrets } from './redis-env';

/**
 * What every service reads: where it listens, how much it logs, and its Redis. An app's schema
 * extends this one (`baseEnvSchema(9101).extend({...})`) and maps it with `baseConfigFromEnv`.
 */
export function baseEnvSchema(defaultPort: number) {
  return z.object({
    ...redisEnvShape,
    PORT: int(0, 65535).default(defaultPort),
    HOST: z.string().min(1).default('0.0.0.0'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  });
}

export type BaseEnv = z.infer<ReturnType<typeof baseEnvSchema>>;

/** The camelCase part every app's config object starts with. */
export interface BaseConfig {
  port: number;
  host: string;
  logLevel: LogLevel;
  redis: RedisConfig;
}

/** Maps the base variables, and registers the Redis password as a secret before anything logs. */
export function baseConfigFromEnv(env: BaseEnv): BaseConfig {
  registerRedisSecrets(env.REDIS_URL);
  return { port: env.PORT, host: env.HOST, logLevel: env.LOG_LEVEL, redis: redisConfigFromEnv(env) };
}
