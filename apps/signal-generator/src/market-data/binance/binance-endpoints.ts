/**
 * Binance USDT-M futures endpoints. The market-data WebSocket moved under `/market` when the old
 * root routes were retired in 2026; both bases are configurable so tests and mirrors can point
 * elsewhere.
 */
export const DEFAULT_WS_BASE_URL = 'wss://fstream.binance.com/market';
export const DEFAULT_REST_BASE_URL = 'https://fapi.binance.com';

/** Binance refuses combined-stream URLs with more streams than this per connection. */
export const MAX_STREAMS_PER_CONNECTION = 200;

export interface StreamSelection {
  /** Upper-case symbols, e.g. `BTCUSDT`. */
  klineSymbols: readonly string[];
  /** Kline interval name, e.g. `1m`. */
  interval: string;
  /** Symbols whose `@aggTrade` stream is also wanted. */
  aggTradeSymbols: readonly string[];
}

/** Stream names as Binance spells them: lower-case symbol, `@kline_<interval>` / `@aggTrade`. */
export function streamNames(sel: StreamSelection): string[] {
  return [
    ...sel.klineSymbols.map((s) => `${s.toLowerCase()}@kline_${sel.interval}`),
    ...sel.aggTradeSymbols.map((s) => `${s.toLowerCase()}@aggTrade`),
  ];
}

/**
 * `${base}/stream?streams=a/b/c`. Subscribing through the URL means every reconnect
 * resubscribes by construction, and the client never has to send a frame.
 */
export function combinedStreamUrl(wsBaseUrl: string, streams: readonly string[]): string {
  if (streams.length === 0) throw new Error('at least one stream is needed');
  if (streams.length > MAX_STREAMS_PER_CONNECTION) {
    throw new Error(`${streams.length} streams requested; Binance allows ${MAX_STREAMS_PER_CONNECTION} per connection`);
  }
  // Stream names are [a-z0-9@_] only: no escaping, and Binance expects the slashes verbatim.
  return `${wsBaseUrl.replace(/\/+$/, '')}/stream?streams=${streams.join('/')}`;
}

/** The streams split into as few connections as Binance's per-connection limit allows, in order. */
export function shardStreams(streams: readonly string[], perConnection = MAX_STREAMS_PER_CONNECTION): string[][] {
  const shards: string[][] = [];
  for (let i = 0; i < streams.length; i += perConnection) shards.push(streams.slice(i, i + perConnection));
  return shards;
}
