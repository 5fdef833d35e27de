import type { Candle } from '@app/contracts';
import type { BinanceRestClient } from './binance';
import { candleOrder } from './replay/candle-merge';
import { timeframeMs } from './timeframe';

/**
 * The last `count` CLOSED candles of each symbol from the REST klines endpoint, merged in time
 * order: the live feed's warm-up, so signals can start with the first live candle instead of
 * half an hour later. The forming candle is dropped.
 */
export async function fetchRecentClosedCandles(
  rest: BinanceRestClient,
  symbols: readonly string[],
  interval: string,
  count: number,
  now: () => number = Date.now,
): Promise<Candle[]> {
  if (count <= 0) return [];
  const ctx = { interval, intervalMs: timeframeMs(interval) };
  const all: Candle[] = [];
  for (const symbol of symbols) {
    // The newest row is the forming candle on a trading market: ask one more and always drop it
    // (if it had just closed, that costs one candle, which the pipeline bridges).
    const rows = await rest.klines({ symbol, interval, limit: Math.min(count + 1, 1500) }, ctx);
    const closed = rows.slice(0, -1).filter((c) => c.close_time < now());
    all.push(...closed.slice(-count));
  }
  return all.sort(candleOrder);
}
