import type { Candle } from '@app/contracts';
import { DEFAULT_COSTS, type CostModel } from '@app/trading';
import type { MarketDataSource } from '../market-data/market-data-source';
import { timeframeMs } from '../market-data/timeframe';
import type { SignalPipelineOptions } from '../pipeline/signal-pipeline';
import { createLanes, type TimeframeLane } from '../pipeline/timeframe-lane';
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
  /**
   * The timeframes the strategies decide on (SIGNAL_TIMEFRAMES), built from the candles given;
   * default: the candles' own timeframe alone.
   */
  timeframes?: readonly string[];
  /**
   * Only decisions on candles opening in [tradeFrom, tradeUntil) open trades (a walk-forward's
   * test window); the candles before warm the pipelines, those after only close trades.
   * Default: every candle.
   */
  tradeFrom?: number;
  tradeUntil?: number;
  onCandle?: (candle: Candle) => void;
  /** Every closed trade of every source, in the order they close. */
  onClose?: (trade: ClosedTrade) => void;
}

export interface BacktestResult {
  candles: number;
  symbols: string[];
  firstOpenTime?: number;
  lastOpenTime?: number;
  /**
   * Per timeframe: each strategy (in configured order), then the fused signal; with more than one
   * timeframe, last, every timeframe's fused signals in one book (as the position-closer trades them).
   */
  rows: { source: string; stats: SourceStats }[];
  costs: CostModel;
  maxHoldMs: number;
}

/** The trade-book source names of one timeframe's strategies and fused signal. */
interface LaneSources {
  strategies: string[];
  fused: string;
}

/**
 * Replays a source through the service's pipelines (one per signal timeframe, as the service
 * runs them) and scores what the position-closer would have done with it (TradeBook: one
 * position per symbol, the shared exit rule, max hold, costs), on the feed's candles whatever
 * the signal's timeframe:
 * - fused: every signal the pipeline emits, with its own SL/TP;
 * - each strategy alone: every non-NONE vote, given SL/TP by the same risk model and held to the
 *   same per-symbol cooldown, so the strategies and the fusion are compared on equal terms.
 * With one timeframe the sources are named as the strategies (`ema_cross`, `fused (X)`); with
 * more, each name carries its timeframe (`ema_cross 5m`) and `fused (X) 1m+5m` books every
 * timeframe's signals together, one position per symbol, as the closer does.
 */
export async function runBacktest(source: MarketDataSource, opts: BacktestOptions): Promise<BacktestResult> {
  const costs = opts.costs ?? DEFAULT_COSTS;
  const maxHoldMs = opts.maxHoldMs ?? DEFAULT_MAX_HOLD_MS;
  // Whatever the caller's config says, what a backtest decides is never live; the adaptive
  // consensus scores its would-be trades with the costs and max hold this backtest trades with.
  const pipelineOpts: SignalPipelineOptions = { ...opts, source: 'backtest', adaptive: opts.adaptive && { ...opts.adaptive, costs, maxHoldMs } };
  const tradeFrom = opts.tradeFrom ?? -Infinity;
  const tradeUntil = opts.tradeUntil ?? Infinity;
  let lanes: TimeframeLane[] | undefined;
  let sources: LaneSources[] = [];
  let combined: string | undefined;
  let book: TradeBook | undefined;
  const cooldowns = new Map<string, Cooldown>();
  const lastOpen = new Map<string, number>();
  const maxGapCandles = opts.maxGapCandles ?? 5;
  let candles = 0;
  let first: number | undefined;
  let last: number | undefined;

  const start = (c: Candle): TradeBook => {
    const timeframes = opts.timeframes ?? [c.timeframe];
    lanes = createLanes(timeframes, pipelineOpts);
    const many = timeframes.length > 1;
    const fusedName = `fused (${opts.strategyName})`;
    sources = timeframes.map((tf) => ({
      strategies: opts.strategies.map((s) => (many ? `${s} ${tf}` : s)),
      fused: many ? `${fusedName} ${tf}` : fusedName,
    }));
    combined = many ? `${fusedName} ${timeframes.join('+')}` : undefined;
    for (const s of sources) for (const name of s.strategies) cooldowns.set(name, new Cooldown(opts.cooldownMs));
    const names = sources.flatMap((s) => [...s.strategies, s.fused]);
    return new TradeBook(combined ? [...names, combined] : names, { costs, maxHoldMs, onClose: opts.onClose });
  };

  await source.run((c) => {
    book ??= start(c);
    candles++;
    first ??= c.open_time;
    last = c.open_time;
    const prev = lastOpen.get(c.symbol);
    // Same rule as the pipeline's reset: an exit cannot be read across a hole in the data.
    if (prev !== undefined && c.open_time - prev > maxGapCandles * timeframeMs(c.timeframe)) book.voidOpen(c.symbol);
    lastOpen.set(c.symbol, c.open_time);

    book.onCandle(c);
    const trading = c.open_time >= tradeFrom && c.open_time < tradeUntil;
    const t = c.close_time + 1;
    for (let i = 0; i < lanes!.length; i++) {
      const bar = lanes![i].bar(c);
      if (bar === undefined) continue;
      // decide(), not process(): the reused, allocation-free form (read before the next candle).
      const r = lanes![i].pipeline.decide(bar);
      if (!trading) continue;
      // Entered at the close of the feed candle that closed the bar: only later candles can exit it.
      const names = sources[i];
      if (r.signal) {
        const s = r.signal;
        const trade = { source: names.fused, symbol: s.symbol, direction: s.direction, entry: s.entry_price, stopLoss: s.stop_loss, takeProfit: s.take_profit, enteredOn: c.open_time, enteredAt: t, tick: r.tick };
        book.signal(trade);
        if (combined) book.signal({ ...trade, source: combined });
      }
      if (r.atr === undefined || r.tick === undefined) continue;
      const strategies = r.strategies;
      for (let k = 0; k < strategies.length; k++) {
        const v = strategies[k];
        if (v.direction === 'NONE') continue;
        const name = names.strategies[k];
        const cd = cooldowns.get(name) as Cooldown;
        if (cd.remaining(c.symbol, t) > 0) continue;
        const lv = computeLevels(v.direction, bar.close, r.atr, r.tick, opts.risk);
        if (!lv.ok) continue;
        cd.mark(c.symbol, t);
        book.signal({ source: name, symbol: c.symbol, direction: v.direction, entry: lv.levels.entry, stopLoss: lv.levels.stopLoss, takeProfit: lv.levels.takeProfit, enteredOn: c.open_time, enteredAt: t, tick: r.tick });
      }
    }
    opts.onCandle?.(c);
  });
  book?.voidOpen();
  return {
    candles,
    symbols: [...lastOpen.keys()].sort(),
    firstOpenTime: first,
    lastOpenTime: last,
    rows: book ? [...book.stats].map(([source, stats]) => ({ source, stats })) : [],
    costs,
    maxHoldMs,
  };
}
