import { z } from 'zod';
import { DEFAULT_REST_BASE_URL, DEFAULT_WS_BASE_URL } from './binance-endpoints';
import type { BinanceFuturesSourceOptions } from './binance-futures.options';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * The live feed's environment variables, for the app's `config.ts` to spread into its schema
 * (only `config.ts` reads `process.env`).
 */
export const binanceEnvShape = {
  /** Market-data WebSocket base; `/stream?streams=...` is appended. */
  BINANCE_WS_URL: z.string().regex(/^wss?:\/\/\S+$/, 'must be a ws:// or wss:// URL').default(DEFAULT_WS_BASE_URL),
  /** REST base for klines (gap fill) and exchangeInfo (tick sizes). */
  BINANCE_REST_URL: z.string().regex(/^https?:\/\/\S+$/, 'must be an http:// or https:// URL').default(DEFAULT_REST_BASE_URL),
  BINANCE_STALL_TIMEOUT_MS: ms(30_000),
  BINANCE_RECONNECT_BASE_MS: ms(500),
  BINANCE_RECONNECT_MAX_MS: ms(30_000),
  /** 23 h 50 min: rotate before Binance's 24 h cut. */
  BINANCE_MAX_CONNECTION_AGE_MS: ms((23 * 60 + 50) * 60_000),
};

export type BinanceEnv = z.infer<z.ZodObject<typeof binanceEnvShape>>;

/** Env → the connection part of `BinanceFuturesSourceOptions` (symbols and interval come from the app). */
export function binanceOptionsFromEnv(
  env: BinanceEnv,
): Pick<BinanceFuturesSourceOptions, 'wsBaseUrl' | 'rest' | 'stallTimeoutMs' | 'reconnectBaseMs' | 'reconnectMaxMs' | 'maxConnectionAgeMs'> {
  return {
    wsBaseUrl: env.BINANCE_WS_URL,
    rest: { baseUrl: env.BINANCE_REST_URL },
    stallTimeoutMs: env.BINANCE_STALL_TIMEOUT_MS,
    reconnectBaseMs: env.BINANCE_RECONNECT_BASE_MS,
    reconnectMaxMs: env.BINANCE_RECONNECT_MAX_MS,
    maxConnectionAgeMs: env.BINANCE_MAX_CONNECTION_AGE_MS,
  };
}
