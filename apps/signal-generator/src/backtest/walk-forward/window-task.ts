import { MicrosClock } from '@app/contracts';
import type { CostModel } from '@app/trading';
import type { AdaptiveOptions } from '../../fusion/adaptive-weights';
import type { ConsensusOptions } from '../../fusion/consensus';
import type { CandleSeries } from '../../market-data/replay/candle-series';
import type { SignalPipelineOptions } from '../../pipeline/signal-pipeline';
import type { StrategyParams } from '../../strategies/strategy-params';
import { STRATEGY_TUNING } from '../../strategies/strategy-set';
import { runBacktest, type BacktestResult } from '../backtest.runner';
import type { SourceStats } from '../source-stats';
import { consensusGrid, sampleStrategyParams, windowRandom } from './param-space';
import type { WalkForwardWindow } from './windows';

/** What every window shares: the settings the tuning starts from and is compared with. */
export interface WalkForwardSettings {
  /** The service's pipeline settings (config): the untuned defaults, with the fixed consensus. */
  pipeline: Omit<SignalPipelineOptions, 'clock' | 'tickSize' | 'source' | 'adaptive'>;
  /** The adaptive consensus every test window is also traded with (its costs and max hold are the run's). */
  adaptive: Pick<AdaptiveOptions, 'halfLifeTrades' | 'sensitivity'>;
  tickSizes: Record<string, number>;
  costs: CostModel;
  maxHoldMs: number;
  seed: number;
  /** Random parameter sets drawn per window, besides the defaults. */
  trials: number;
  /** A candidate scoring fewer closed trades on the training window is not eligible. */
  minTrades: number;
}

/** One unit of work, sent to a worker thread (plain data only). */
export interface WindowTask {
  window: WalkForwardWindow;
  timeframe: string;
  /** Position of `timeframe` in the list: part of the window's random stream. */
  timeframeIndex: number;
  settings: WalkForwardSettings;
}

/** One source's trades on a test window, in the order they closed. */
export interface SourceTrades {
  source: string;
  signals: number;
  ignored: number;
  unresolved: number;
  net: number[];
  gross: number[];
}

/**
 * The settings a test window is traded with: tuned on its training window or the defaults, each
 * with the fixed and with the adaptive consensus (which changes only the fused signal).
 */
export type VariantName = 'tuned' | 'default' | 'tuned adaptive' | 'default adaptive';

export interface WindowResult {
  window: WalkForwardWindow;
  timeframe: string;
  tuned: {
    strategyParams: StrategyParams;
    consensus: ConsensusOptions;
    /** Strategies (and `consensus`) for which no candidate had enough trades: the defaults were kept. */
    untuned: string[];
  };
  /** Backtest runs made (training candidates and test variants). */
  runs: number;
  variants: { name: VariantName; sources: SourceTrades[] }[];
}

/** How many backtest runs `runWindow` makes, for the progress bar. */
export function runsPerWindow(settings: WalkForwardSettings): number {
  return settings.trials + 1 + consensusGrid(settings.pipeline.strategies.length).length + 1 + 4;
}

/**
 * One walk-forward window, a pure function of the candles and the task (the same result in any
 * thread, in any order):
 * 1. the defaults and `trials` random draws of every strategy's declared ranges, each run on the
 *    training window; each strategy keeps the draw under which it alone scored best;
 * 2. with those, the defaults and every consensus threshold pair of the grid, on the training
 *    window; the fused signal keeps the best;
 * 3. the test window traded with the tuned settings and with the defaults, each with the fixed
 *    and the adaptive consensus, the pipelines (and the adaptive weights) warmed on the training
 *    window, no trade entered outside the test window (trades entered in it may close up to the
 *    max hold after it).
 * Score: the average net R (after costs) of the closed trades, among candidates with at least
 * `minTrades` of them; ties keep the earlier candidate, so the defaults win a tie.
 */
export async function runWindow(series: CandleSeries, task: WindowTask, onRun: () => void): Promise<WindowResult> {
  const { window: w, timeframe, settings: s } = task;
  const base = s.pipeline;
  const fused = `fused (${base.strategyName})`;
  let runs = 0;
  const run = async (
    strategyParams: StrategyParams,
    consensus: ConsensusOptions,
    until: number,
    trade?: { adaptive: boolean; onClose: (source: string, net: number, gross: number) => void },
  ): Promise<BacktestResult> => {
    const r = await runBacktest(series.source(w.trainFrom, until), {
      ...base,
      strategyParams,
      consensus,
      // costs and max hold: runBacktest gives the adaptive consensus its own
      ...(trade?.adaptive ? { adaptive: { ...s.adaptive, costs: s.costs, maxHoldMs: s.maxHoldMs } } : {}),
      source: 'backtest',
      clock: new MicrosClock(() => 0),
      tickSize: (sym) => s.tickSizes[sym],
      costs: s.costs,
      maxHoldMs: s.maxHoldMs,
      timeframes: [timeframe],
      ...(trade ? { tradeFrom: w.testFrom, tradeUntil: w.testUntil, onClose: (t) => trade.onClose(t.source, t.result.netR, t.result.grossR) } : {}),
    });
    runs++;
    onRun();
    return r;
  };
  const score = (stats: SourceStats | undefined): number => (stats && stats.net.trades >= s.minTrades ? (stats.net.average as number) : -Infinity);

  // 1. Strategy parameters, each strategy on its own trades.
  const rng = windowRandom(s.seed, w.index, task.timeframeIndex);
  const best = new Map(base.strategies.map((name) => [name, { score: -Infinity, params: base.strategyParams }]));
  for (let t = 0; t <= s.trials; t++) {
    const params = t === 0 ? base.strategyParams : sampleStrategyParams(rng, base.strategyParams, base.strategies);
    const r = await run(params, base.consensus, w.testFrom);
    for (const { source, stats } of r.rows) {
      const b = best.get(source);
      const sc = score(stats);
      if (b && sc > b.score) best.set(source, { score: sc, params });
    }
  }
  const strategyParams: StrategyParams = { ...base.strategyParams };
  const untuned: string[] = [];
  for (const [name, b] of best) {
    if (b.score === -Infinity) untuned.push(name);
    for (const key of Object.keys(STRATEGY_TUNING[name] ?? {}) as (keyof StrategyParams)[]) strategyParams[key] = b.params[key];
  }

  // 2. Consensus thresholds, on the fused signal made of the tuned strategies.
  let consensus = base.consensus;
  let bestFused = -Infinity;
  for (const candidate of [base.consensus, ...consensusGrid(base.strategies.length)]) {
    const r = await run(strategyParams, candidate, w.testFrom);
    const sc = score(r.rows.find((row) => row.source === fused)?.stats);
    if (sc > bestFused) [bestFused, consensus] = [sc, candidate];
  }
  if (bestFused === -Infinity) untuned.push('consensus');

  // 3. The test window, tuned and untuned, on the same candles.
  const variants: WindowResult['variants'] = [];
  for (const [name, params, cons, adaptive] of [
    ['tuned', strategyParams, consensus, false],
    ['tuned adaptive', strategyParams, consensus, true],
    ['default', base.strategyParams, base.consensus, false],
    ['default adaptive', base.strategyParams, base.consensus, true],
  ] as const) {
    const trades = new Map<string, { net: number[]; gross: number[] }>();
    const r = await run(params, cons, w.testUntil + s.maxHoldMs, {
      adaptive,
      onClose: (source, net, gross) => {
        let t = trades.get(source);
        if (!t) trades.set(source, (t = { net: [], gross: [] }));
        t.net.push(net);
        t.gross.push(gross);
      },
    });
    const sources = r.rows.map(({ source, stats }) => ({ source, signals: stats.signals, ignored: stats.ignored, unresolved: stats.unresolved, net: trades.get(source)?.net ?? [], gross: trades.get(source)?.gross ?? [] }));
    variants.push({ name, sources });
  }
  return { window: w, timeframe, tuned: { strategyParams, consensus, untuned }, runs, variants };
}
