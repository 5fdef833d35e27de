import { z } from 'zod';
import { baseConfigFromEnv, baseEnvSchema, bool, int, parseEnv, positive, splitList, type BaseConfig, type Env, jobRetentionEnvShape, jobRetentionFromEnv, type JobRetention } from '@app/config';
import { POSITIONS_HISTORY_DEFAULT } from '@app/contracts';
import { registerSecret } from '@app/observability';
import { costModelFromEnv, costsEnvShape, type CostModel } from '@app/trading';

const corsOrigins = z
  .string()
  .optional()
  .transform((v) => (v ? splitList(v) : []))
  .pipe(z.array(z.string().regex(/^(\*|https?:\/\/[^/\s]+)$/, 'CORS_ORIGINS must be * or origins like https://dash.example.com')));

const trustProxy = z
  .string()
  .optional()
  .transform((v): boolean | number | string[] => {
    if (!v || v === 'false') return false;
    if (v === 'true') return true;
    return /^\d+$/.test(v) ? Number(v) : splitList(v);
  });

/** Every setting of the api-gateway; main.ts loads it once and nothing else reads `process.env`. */
export const gatewayEnvSchema = baseEnvSchema(8888).extend({
  /** A signal leaves the active list this long after it was stored. */
  SIGNAL_TTL_SECONDS: int(1, 86_400).default(120),
  ACTIVE_MAX: int(1, 10_000).default(50),
  HISTORY_MAX: int(1, 100_000).default(500),
  /**
   * A stored acknowledgement is deleted once its signal has left the capped `signals` stream or is
   * older than this (hours, fractions allowed); it must exceed SIGNAL_TTL_SECONDS, so the signal
   * of a deleted ack is always expired and never served as active again.
   */
  ACK_RETENTION_HOURS: positive().default(72),
  /** How often each replica prunes the acknowledgements; 0 turns pruning off. */
  ACK_PRUNE_INTERVAL_MS: int(0, 86_400_000).default(60_000),
  /**
   * When set, `/api/*` (except `/api/health`) needs `X-API-Key`. Unset: open, as the guide's C#
   * sends no key. Empty counts as unset: docker-compose passes `API_KEY=` when none is configured.
   */
  API_KEY: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(z.string().min(8, 'API_KEY must be at least 8 characters').optional()),
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
  RATE_LIMIT_LOOPBACK: bool().default(false),
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
  /**
   * Closed positions kept for /api/positions/history and /api/performance (the newest, in stream
   * order); set it as the position-closer's, whose `positions` stream keeps that many.
   */
  POSITIONS_HISTORY_MAX: int(1, 1_000_000).default(POSITIONS_HISTORY_DEFAULT),
  /** Close requests kept for /api/positions/close-requests (the newest; the stream keeps about 10,000). */
  CLOSE_REQUESTS_MAX: int(1, 1_000_000).default(10_000),
  /** Fees and slippage behind /api/performance's `net_*` figures; set them as the position-closer's. */
  ...costsEnvShape,
  /** How long the manual-close queue keeps finished job records (JOBS_KEEP_*). */
  ...jobRetentionEnvShape,
});

/** Cross-field rules: timeouts that would cut a healthy SSE stream or contradict each other. */
const gatewayConfigSchema = gatewayEnvSchema
  .refine((c) => c.HTTP_IDLE_TIMEOUT_MS > c.SSE_HEARTBEAT_MS, {
    path: ['HTTP_IDLE_TIMEOUT_MS'],
    message: 'HTTP_IDLE_TIMEOUT_MS must exceed SSE_HEARTBEAT_MS, or idle SSE streams are cut between heartbeats',
  })
  .refine((c) => c.ACK_RETENTION_HOURS * 3600 > 2 * c.SIGNAL_TTL_SECONDS, {
    path: ['ACK_RETENTION_HOURS'],
    message: 'ACK_RETENTION_HOURS must exceed twice SIGNAL_TTL_SECONDS: an acknowledgement must outlive its signal being active',
  })
  .refine((c) => c.HTTP_REQUEST_TIMEOUT_MS >= c.HTTP_HEADERS_TIMEOUT_MS, {
    path: ['HTTP_REQUEST_TIMEOUT_MS'],
    message: 'HTTP_REQUEST_TIMEOUT_MS must be at least HTTP_HEADERS_TIMEOUT_MS',
  });

export interface GatewayConfig extends BaseConfig {
  signals: { ttlMs: number; activeMax: number; historyMax: number };
  /** Stored acknowledgements: kept this long at most (and while their signal is on the stream); pruned every `pruneIntervalMs` (0: never). */
  acks: { retentionMs: number; pruneIntervalMs: number };
  /** Undefined: the API is open. */
  apiKey: string | undefined;
  sse: { heartbeatMs: number; maxBufferBytes: number };
  http: {
    bodyLimitBytes: number;
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    idleTimeoutMs: number;
    /** Empty: no CORS headers. */
    corsOrigins: string[];
    trustProxy: boolean | number | string[];
  };
  /** `max` 0: no limit. */
  rateLimit: { max: number; windowMs: number; loopback: boolean };
  /** Fees and slippage behind /api/performance's `net_*` figures. */
  costs: CostModel;
  market: { candlesPerSymbol: number; loadEntries: number };
  /** Closed positions and close requests the read model keeps: the newest `historyMax` and `closeRequestsMax`. */
  positions: { historyMax: number; closeRequestsMax: number };
  /** The built dashboard served at /dashboard. */
  dashboardDir: string;
  /** BullMQ records of finished manual-close jobs. */
  jobRetention: JobRetention;
}

/** Validates the environment; the error names every bad variable and never echoes a secret. */
export function loadConfig(env: Env): GatewayConfig {
  const e = parseEnv(gatewayConfigSchema, env);
  registerSecret(e.API_KEY);
  return {
    ...baseConfigFromEnv(e),
    signals: { ttlMs: e.SIGNAL_TTL_SECONDS * 1000, activeMax: e.ACTIVE_MAX, historyMax: e.HISTORY_MAX },
    acks: { retentionMs: Math.round(e.ACK_RETENTION_HOURS * 3_600_000), pruneIntervalMs: e.ACK_PRUNE_INTERVAL_MS },
    apiKey: e.API_KEY,
    sse: { heartbeatMs: e.SSE_HEARTBEAT_MS, maxBufferBytes: e.SSE_MAX_BUFFER_BYTES },
    http: {
      bodyLimitBytes: e.HTTP_BODY_LIMIT_BYTES,
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      idleTimeoutMs: e.HTTP_IDLE_TIMEOUT_MS,
      corsOrigins: e.CORS_ORIGINS,
      trustProxy: e.TRUST_PROXY,
    },
    rateLimit: { max: e.RATE_LIMIT_MAX, windowMs: e.RATE_LIMIT_WINDOW_MS, loopback: e.RATE_LIMIT_LOOPBACK },
    costs: costModelFromEnv(e),
    market: { candlesPerSymbol: e.MARKET_CANDLES_PER_SYMBOL, loadEntries: e.MARKET_LOAD_ENTRIES },
    positions: { historyMax: e.POSITIONS_HISTORY_MAX, closeRequestsMax: e.CLOSE_REQUESTS_MAX },
    dashboardDir: e.DASHBOARD_DIR,
    jobRetention: jobRetentionFromEnv(e),
  };
}
