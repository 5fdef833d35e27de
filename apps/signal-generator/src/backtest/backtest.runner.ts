import type { Candle } from '@app/contracts';
import type { MarketDataSource } from '../market-data/market-data-source';
import { timeframeMs } from '../market-data/timeframe';
import { SignalPipeline, SignalPipelineOptions } from '../pipeline/signal-pipeline';
import { Cooldown } from '../risk/cooldown';
import { computeLevels } from '../risk/trade-levels';
import type { BacktestStats } from './backtest-stats';
import { TradeBook } from './trade-book';

export interface BacktestResult {
  candles: number;
  symbols: string[];
  firstOpenTime?: number;
  lastOpenTime?: number;
  /** Per strategy (in configured order), then the fused signal last. */
  rows: { source: string; stats: BacktestStats }[];
}

/**
 * Replays a source through the service's SignalPipeline and scores what it would have done:
 * - fused: every signal the pipeline emits, with its own SL/TP;
 * - each strategy alone: every non-NONE vote, given SL/TP by the same risk model and held to the
 *   same per-symbol cooldown, so the strategies and the fusion are compared on equal terms.
 * A trade exits at the first later candle that touches its SL or TP (SL when both).
 */
export async function runBacktest(
  source: MarketDataSource,
  opts: SignalPipelineOptions,
  onCandle?: (candle: Candle) => void,
): Promise<BacktestResult> {
  // Whatever the caller's config says, what a backtest decides is never live.
  const pipeline = new SignalPipeline({ ...opts, source: 'backtest' });
  const fusedName = `fused (${opts.strategyName})`;
  const book = new TradeBook([...opts.strategies, fusedName]);
  const cooldowns = new Map(opts.strategies.map((s) => [s, new Cooldown(opts.cooldownMs)]));
  const lastOpen = new Map<string, number>();
  const maxGapCandles = opts.maxGapCandles ?? 5;
  let candles = 0;
  let first: number | undefined;
  let last: number | undefined;

  await source.run((c) => {
    candles++;
    first ??= c.open_time;
    last = c.open_time;
    const prev = lastOpen.get(c.symbol);
    // Same rule as the pipeline's reset: an exit cannot be read across a hole in the data.
    if (prev !== undefined && c.open_time - prev > maxGapCandles * timeframeMs(c.timeframe)) book.voidOpen(c.symbol);
    lastOpen.set(c.symbol, c.open_time);

    book.onCandle(c);
    // decide(), not process(): the reused, allocation-free form (read before the next candle).
    const r = pipeline.decide(c);
    if (r.signal) {
      const s = r.signal;
      book.enter({ source: fusedName, symbol: s.symbol, direction: s.direction, entry: s.entry_price, stopLoss: s.stop_loss, takeProfit: s.take_profit, enteredOn: c.open_time });
    }
    if (r.atr !== undefined && r.tick !== undefined) {
      const t = c.close_time + 1;
      for (const v of r.strategies) {
        if (v.direction === 'NONE') continue;
        const cd = cooldowns.get(v.name) as Cooldown;
        if (cd.remaining(c.symbol, t) > 0) continue;
        const lv = computeLevels(v.direction, c.close, r.atr, r.tick, opts.risk);
        if (!lv.ok) continue;
        cd.mark(c.symbol, t);
        book.enter({ source: v.name, symbol: c.symbol, direction: v.direction, entry: lv.levels.entry, stopLoss: lv.levels.stopLoss, takeProfit: lv.levels.takeProfit, enteredOn: c.open_time });
      }
    }
    onCandle?.(c);
  });
  book.voidOpen();
  return {
    candles,
    symbols: [...lastOpen.keys()].sort(),
    firstOpenTime: first,
    lastOpenTime: last,
    rows: [...book.stats].map(([source, stats]) => ({ source, stats })),
  };
}
