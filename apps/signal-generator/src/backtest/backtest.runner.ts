import type { Candle } from '@app/contracts';
import { DEFAULT_COSTS, type CostModel } from '@app/trading';
import type { MarketDataSource } from '../market-data/market-data-source';
import { timeframeMs } from '../market-data/timeframe';
import { SignalPipeline, SignalPipelineOptions } from '../pipeline/signal-pipeline';
import { Cooldown } from '../risk/cooldown';
import { computeLevels } from '../risk/trade-levels';
import type { SourceStats } from './source-stats';
import { TradeBook, type ClosedTrade } from './trade-book';

/** The position-closer's default MAX_HOLD_MINUTES. */
export const DEFAULT_MAX_HOLD_MS = 60 * 60_000;

export interface BacktestOptions extends SignalPipelineOptions {
  /** Fees and slippage behind the net figures. Default DEFAULT_COSTS (Binance USDT-M VIP 0, one tick). */
  costs?: CostModel;
  /** As the closer's MAX_HOLD_MINUTES; default 60 min. */
  maxHoldMs?: number;
  onCandle?: (candle: Candle) => void;
  /** Every closed trade of every source, in the order they close. */
  onClose?: (trade: ClosedTrade) => void;
}

export interface BacktestResult {
  candles: number;
  symbols: string[];
  firstOpenTime?: number;
  lastOpenTime?: number;
  /** Per strategy (in configured order), then the fused signal last. */
  rows: { source: string; stats: SourceStats }[];
  costs: CostModel;
  maxHoldMs: number;
}

/**
 * Replays a source through the service's SignalPipeline and scores what the position-closer would
 * have done with it (TradeBook: one position per symbol, the shared exit rule, max hold, costs):
 * - fused: every signal the pipeline emits, with its own SL/TP;
 * - each strategy alone: every non-NONE vote, given SL/TP by the same risk model and held to the
 *   same per-symbol cooldown, so the strategies and the fusion are compared on equal terms.
 */
export async function runBacktest(source: MarketDataSource, opts: BacktestOptions): Promise<BacktestResult> {
  // Whatever the caller's config says, what a backtest decides is never live.
  const pipeline = new SignalPipeline({ ...opts, source: 'backtest' });
  const fusedName = `fused (${opts.strategyName})`;
  const costs = opts.costs ?? DEFAULT_COSTS;
  const maxHoldMs = opts.maxHoldMs ?? DEFAULT_MAX_HOLD_MS;
  const book = new TradeBook([...opts.strategies, fusedName], { costs, maxHoldMs, onClose: opts.onClose });
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
    const t = c.close_time + 1;
    if (r.signal) {
      const s = r.signal;
      book.signal({ source: fusedName, symbol: s.symbol, direction: s.direction, entry: s.entry_price, stopLoss: s.stop_loss, takeProfit: s.take_profit, enteredOn: c.open_time, enteredAt: t, tick: r.tick });
    }
    if (r.atr !== undefined && r.tick !== undefined) {
      for (const v of r.strategies) {
        if (v.direction === 'NONE') continue;
        const cd = cooldowns.get(v.name) as Cooldown;
        if (cd.remaining(c.symbol, t) > 0) continue;
        const lv = computeLevels(v.direction, c.close, r.atr, r.tick, opts.risk);
        if (!lv.ok) continue;
        cd.mark(c.symbol, t);
        book.signal({ source: v.name, symbol: c.symbol, direction: v.direction, entry: lv.levels.entry, stopLoss: lv.levels.stopLoss, takeProfit: lv.levels.takeProfit, enteredOn: c.open_time, enteredAt: t, tick: r.tick });
      }
    }
    opts.onCandle?.(c);
  });
  book.voidOpen();
  return {
    candles,
    symbols: [...lastOpen.keys()].sort(),
    firstOpenTime: first,
    lastOpenTime: last,
    rows: [...book.stats].map(([source, stats]) => ({ source, stats })),
    costs,
    maxHoldMs,
  };
}
