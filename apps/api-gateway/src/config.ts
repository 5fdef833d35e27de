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

const bool = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const corsOrigins = z
  .string()
  .optional()
  .transform((v) => (v ? list(v) : []))
  .pipe(z.array(z.string().regex(/^(\*|https?:\/\/[^/\s]+)$/, 'CORS_ORIGINS must be * or origins like https://dash.example.com')));

const trustProxy = z
  .string()
  .optional()
  .transform((v): boolean | number | string[] => {
    if (!v || v === 'false') return false;
    if (v === 'true') return true;
    return /^\d+$/.test(v) ? Number(v) : list(v);
  });

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
  /** Largest request body accepted (413 above it); the acknowledge body is under 100 bytes. */
  HTTP_BODY_LIMIT_BYTES: int(1024, 10 * 1024 * 1024).default(64 * 1024),
  /** A client must send its request headers within this (slow-loris); 408 otherwise. */
  HTTP_HEADERS_TIMEOUT_MS: int(1000, 600_000).default(10_000),
  /** ...and the whole request, body included, within this; 408 otherwise. */
  HTTP_REQUEST_TIMEOUT_MS: int(1000, 600_000).default(30_000),
  /** An idle keep-alive connection between two requests is closed after this. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(1000, 600_000).default(72_000),
  /** A connection with no traffic either way this long (a stalled reader) is closed. Must exceed SSE_HEARTBEAT_MS. */
  HTTP_IDLE_TIMEOUT_MS: int(1000, 3_600_000).default(120_000),
  /** Requests one client (IP) may make per RATE_LIMIT_WINDOW_MS before 429; 0 turns the limit off. */
  RATE_LIMIT_MAX: int(0, 1_000_000).default(1200),
  RATE_LIMIT_WINDOW_MS: int(1000, 3_600_000).default(60_000),
  /** Loopback clients (127.0.0.0/8, ::1) are not limited unless this is true. */
  RATE_LIMIT_LOOPBACK: bool.default(false),
  /**
   * Origins allowed to call the API from a browser: unset sends no CORS headers (the guide's C#
   * client and same-origin pages need none), `*` allows any, else a comma-separated list.
   */
  CORS_ORIGINS: corsOrigins,
  /** Trust X-Forwarded-For from these proxies (true, a hop count, or comma-separated IPs/CIDRs), so limits apply per real client. */
  TRUST_PROXY: trustProxy,
  /** Candles kept per symbol for `/api/market/candles` (the dashboard's chart). */
  MARKET_CANDLES_PER_SYMBOL: int(1, 1000).default(1000),
  /** Newest `market` entries (candles and signals, all symbols) read at start to fill them. */
  MARKET_LOAD_ENTRIES: int(1, 200_000).default(20_000),
  /** The built dashboard served at /dashboard (`npm run build` writes it); relative to the working directory. */
  DASHBOARD_DIR: z.string().min(1).default('dist/dashboard'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Fees and slippage behind /api/performance's `net_*` figures; set them as the position-closer's. */
  ...costsEnvShape,
});

export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;

/** Cross-field rules: timeouts that would cut a healthy SSE stream or contradict each other. */
const gatewayConfigSchema = gatewayEnvSchema
  .refine((c) => c.HTTP_IDLE_TIMEOUT_MS > c.SSE_HEARTBEAT_MS, {
    path: ['HTTP_IDLE_TIMEOUT_MS'],
    message: 'HTTP_IDLE_TIMEOUT_MS must exceed SSE_HEARTBEAT_MS, or idle SSE streams are cut between heartbeats',
  })
  .refine((c) => c.HTTP_REQUEST_TIMEOUT_MS >= c.HTTP_HEADERS_TIMEOUT_MS, {
    path: ['HTTP_REQUEST_TIMEOUT_MS'],
    message: 'HTTP_REQUEST_TIMEOUT_MS must be at least HTTP_HEADERS_TIMEOUT_MS',
  });

export { ConfigError };

/** Validates the environment; the error names every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const config = parseEnv(gatewayConfigSchema, env);
  registerSecret(config.API_KEY);
  registerRedisSecrets(config.REDIS_URL);
  return config;
}
