import type { Candle } from '@app/contracts';
import type { BinanceFeedMetrics } from './binance-feed.metrics';
import type { BinanceFeedStats } from './binance-feed.stats';
import type { BinanceRestClient } from './binance-rest.client';
import type { FeedLogger } from './feed-logger';
import type { KlineContext } from './kline.parser';

export interface GapFillerDeps {
  rest: BinanceRestClient;
  klines: KlineContext;
  /** Rows per request. */
  pageSize: number;
  /** A REST kline counts as closed once `closeTime + closedGraceMs < now()`. */
  closedGraceMs: number;
  now: () => number;
  /** Aborted when the feed stops: cancels the request or Retry-After wait in flight. */
  signal: AbortSignal;
  log: FeedLogger;
  metrics: BinanceFeedMetrics;
  stats: BinanceFeedStats;
  /** Hands a candle on if it moves the cursor forward; true when it did. */
  deliver: (candle: Candle) => Promise<boolean>;
}

/** Recovers missed closed candles from `GET /fapi/v1/klines`, page by page, in order. */
export class GapFiller {
  constructor(private readonly deps: GapFillerDeps) {}

  /**
   * Delivers closed klines from `from` (open time) up to `to` (inclusive) or, without `to`, up to
   * the last closed one. A failure is logged and counted, never thrown: the live feed goes on, and
   * the next live candle retries the range through the gap check. Errors of `deliver` (the
   * consumer) do propagate.
   */
  async fill(symbol: string, from: number, to: number | undefined, cause: string): Promise<void> {
    const { pageSize, closedGraceMs, now, klines, signal } = this.deps;
    let start = from;
    let filled = 0;
    try {
      for (;;) {
        if (signal.aborted) return;
        // Judged at the time of asking, not of the reply: a forming candle answered with its
        // partial values must not pass for closed because the reply (or delivery) took a while.
        const askedAt = now();
        const rows = await this.fetchPage(symbol, start, to, cause);
        if (rows === undefined) return;
        for (const candle of rows) {
          // Without an end, Binance also returns the forming candle: stop there.
          if (to === undefined && candle.close_time + closedGraceMs >= askedAt) return;
          if (await this.deps.deliver(candle)) filled++;
        }
        if (rows.length < pageSize) return;
        start = rows[rows.length - 1].open_time + klines.intervalMs;
        if (to !== undefined && start > to) return;
      }
    } finally {
      if (filled > 0) {
        this.deps.stats.gapFilledCandles += filled;
        this.deps.metrics.gapFilledCandles.inc({ symbol }, filled);
        this.deps.log.info({ symbol, candles: filled, from, to, cause }, `gap filled ${filled} ${symbol} candles from REST`);
      }
    }
  }

  /** One page; undefined (logged, counted) when REST gave up, or when the feed is stopping. */
  private async fetchPage(symbol: string, start: number, to: number | undefined, cause: string): Promise<Candle[] | undefined> {
    const { rest, klines, pageSize, signal } = this.deps;
    try {
      return await rest.klines({ symbol, interval: klines.interval, startTime: start, endTime: to, limit: pageSize }, klines, signal);
    } catch (err) {
      if (signal.aborted) return undefined;
      this.deps.stats.gapFillFailures++;
      this.deps.metrics.gapFillFailures.inc({ symbol });
      this.deps.log.error(
        { symbol, from: start, to, cause, err: (err as Error).message },
        `gap fill for ${symbol} failed; candles from ${new Date(start).toISOString()} are missing until the next live candle retries`,
      );
      return undefined;
    }
  }
}
