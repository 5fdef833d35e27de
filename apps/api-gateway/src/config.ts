import { z } from 'zod';
import { ConfigError, parseEnv, registerSecret } from '@app/observability';
import { redisEnvSchema, registerRedisSecrets } from '@app/redis-streams';
import { costsEnvShape } from '@app/trading';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Empty strings count as unset: docker-compose passes `API_KEY=` when the key is not configured. */
const optionalSecret = z
  .string()
  .optional()
  .transform((v) => (v ? v : undefined))
  .pipe(z.string().min(8, 'API_KEY must be at least 8 characters').optional());

/** Every setting of the api-gateway; the only place that reads `process.env` for it. */
export const gatewayEnvSchema = redisEnvSchema.extend({
  PORT: int(0, 65535).default(8888),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** A signal leaves the active list this long after it was stored. */
  SIGNAL_TTL_SECONDS: int(1, 86_400).default(120),
  ACTIVE_MAX: int(1, 10_000).default(50),
  HISTORY_MAX: int(1, 100_000).default(500),
  /** When set, `/api/*` (except `/api/health`) needs `X-API-Key`. Unset: open, as the guide's C# sends no key. */
  API_KEY: optionalSecret,
  SSE_HEARTBEAT_MS: int(100, 300_000).default(15_000),
  /** An SSE client whose unsent output exceeds this is dropped; it resumes with Last-Event-ID. */
  SSE_MAX_BUFFER_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Fees and slippage behind /api/performance's `net_*` figures; set them as the position-closer's. */
  ...costsEnvShape,
});

export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;

export { ConfigError };

/** Validates the environment; the error names every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const config = parseEnv(gatewayEnvSchema, env);
  registerSecret(config.API_KEY);
  registerRedisSecrets(config.REDIS_URL);
  return config;
}
