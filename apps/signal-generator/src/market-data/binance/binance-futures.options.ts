import type { AggTrade } from './agg-trade.parser';
import { DEFAULT_WS_BASE_URL } from './binance-endpoints';
import type { BinanceFeedMetrics } from './binance-feed.metrics';
import type { BinanceRestOptions } from './binance-rest.client';
import type { FeedLogger } from './feed-logger';

export interface BinanceFuturesSourceOptions {
  /** Upper-case USDT-M symbols, e.g. `['BTCUSDT', 'ETHUSDT']`. */
  symbols: readonly string[];
  /** Kline interval. Default `1m`. */
  interval?: string;
  /** Default `wss://fstream.binance.com/market`. */
  wsBaseUrl?: string;
  /** Retries, timeouts and base URL (default `https://fapi.binance.com`) of the REST calls. */
  rest?: Omit<BinanceRestOptions, 'logger' | 'onRetry'>;
  /** Also subscribe to `<symbol>@aggTrade` for these symbols. Default none. */
  aggTradeSymbols?: readonly string[];
  /** Receives aggregate trades (deduplicated by id, not gap-filled). */
  onAggTrade?: (trade: AggTrade) => void;
  /**
   * No frame at all for this long means the connection is dead. A kline stream pushes every
   * ~250 ms and Binance pings every ~3 min, so silence is never normal. Default 30 000 ms.
   */
  stallTimeoutMs?: number;
  /** Handshake timeout. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Wait for the server's close frame this long before cutting the socket. Default 1 000 ms. */
  closeTimeoutMs?: number;
  /** Reconnect backoff with full jitter: attempt n waits up to min(max, base·2ⁿ). Defaults 500 ms / 30 000 ms. */
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /**
   * Replace the connection (new one first, then close the old) after this long, ahead of the
   * 24 h server-side cut. Default 23 h 50 min.
   */
  maxConnectionAgeMs?: number;
  /**
   * A REST kline counts as closed once `closeTime + closedGraceMs < now()`, so a small clock
   * skew never turns the forming candle into a "closed" one. Default 1 000 ms.
   */
  closedGraceMs?: number;
  /** Rows per klines request during a gap fill (weight 2 under 500). Default 499. */
  gapFillPageSize?: number;
  /** Clock used to decide which REST klines are closed. Default `Date.now`. */
  now?: () => number;
  /** Default: the `@app/observability` logger, component `binance-feed`. */
  logger?: FeedLogger;
  /** Default: the process-wide prom-client series. */
  metrics?: BinanceFeedMetrics;
}

export type ResolvedOptions = Required<Omit<BinanceFuturesSourceOptions, 'onAggTrade' | 'logger' | 'metrics' | 'rest'>> &
  Pick<BinanceFuturesSourceOptions, 'onAggTrade' | 'rest'>;

const SYMBOL = /^[A-Z0-9]{2,20}$/;

/** Fills defaults and rejects bad options with a message naming the option. */
export function resolveOptions(o: BinanceFuturesSourceOptions): ResolvedOptions {
  const r: ResolvedOptions = {
    symbols: o.symbols,
    interval: o.interval ?? '1m',
    wsBaseUrl: o.wsBaseUrl ?? DEFAULT_WS_BASE_URL,
    rest: o.rest,
    aggTradeSymbols: o.aggTradeSymbols ?? [],
    onAggTrade: o.onAggTrade,
    stallTimeoutMs: o.stallTimeoutMs ?? 30_000,
    connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
    closeTimeoutMs: o.closeTimeoutMs ?? 1_000,
    reconnectBaseMs: o.reconnectBaseMs ?? 500,
    reconnectMaxMs: o.reconnectMaxMs ?? 30_000,
    maxConnectionAgeMs: o.maxConnectionAgeMs ?? (23 * 60 + 50) * 60_000,
    closedGraceMs: o.closedGraceMs ?? 1_000,
    gapFillPageSize: o.gapFillPageSize ?? 499,
    now: o.now ?? Date.now,
  };
  if (r.symbols.length === 0) throw new Error('binance feed: symbols is empty');
  for (const s of [...r.symbols, ...r.aggTradeSymbols]) {
    if (!SYMBOL.test(s)) throw new Error(`binance feed: symbol '${s}' is not an upper-case Binance symbol like BTCUSDT`);
  }
  if (new Set(r.symbols).size !== r.symbols.length) throw new Error('binance feed: symbols has duplicates');
  if (!/^wss?:\/\//.test(r.wsBaseUrl)) throw new Error(`binance feed: wsBaseUrl '${r.wsBaseUrl}' is not a ws:// or wss:// URL`);
  const positive = [
    'stallTimeoutMs', 'connectTimeoutMs', 'closeTimeoutMs', 'reconnectBaseMs', 'reconnectMaxMs', 'maxConnectionAgeMs',
  ] as const;
  for (const k of positive) {
    if (!Number.isFinite(r[k]) || r[k] <= 0) throw new Error(`binance feed: ${k} must be a positive number, got ${r[k]}`);
  }
  if (r.reconnectMaxMs < r.reconnectBaseMs) throw new Error('binance feed: reconnectMaxMs is below reconnectBaseMs');
  if (!Number.isInteger(r.gapFillPageSize) || r.gapFillPageSize < 1 || r.gapFillPageSize > 1500) {
    throw new Error(`binance feed: gapFillPageSize must be 1..1500, got ${r.gapFillPageSize}`);
  }
  if (r.closedGraceMs < 0) throw new Error('binance feed: closedGraceMs must be >= 0');
  return r;
}
