import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Presets, SingleBar } from 'cli-progress';
import type { CostModel } from '@app/trading';
import type { GeneratorConfig } from '../../config';
import { CandleSeries } from '../../market-data/replay/candle-series';
import type { KlineFile } from '../../market-data/replay/kline-file';
import { durationFlag, integerFlag } from '../cli-flags';
import { formatWalkForward } from './walk-forward-report';
import { runWalkForward } from './walk-forward.runner';

export interface WalkForwardArgs {
  files: KlineFile[];
  skipBadRows: boolean;
  costs: CostModel;
  maxHoldMs: number;
  cfg: GeneratorConfig;
  /** Signal timeframes; undefined = the files' own. */
  timeframes: string[] | undefined;
  train?: string;
  test?: string;
  seed?: string;
  trials?: string;
  workers?: string;
  minTrades?: string;
}

/** Defaults of the walk-forward flags, for the usage text. */
export const WALK_FORWARD_DEFAULTS = { train: '14d', test: '7d', seed: 1, trials: 40, minTrades: 20 } as const;

/**
 * `npm run backtest -- --walk-forward ...`: the report on stdout (identical for the same seed and
 * data, whatever the number of workers), the progress bar (on a terminal) and the time taken on
 * stderr.
 */
export async function walkForwardCommand(a: WalkForwardArgs): Promise<number> {
  const trainMs = durationFlag('train', a.train, WALK_FORWARD_DEFAULTS.train);
  const testMs = durationFlag('test', a.test, WALK_FORWARD_DEFAULTS.test);
  const seed = integerFlag('seed', a.seed, WALK_FORWARD_DEFAULTS.seed);
  const trials = integerFlag('trials', a.trials, WALK_FORWARD_DEFAULTS.trials);
  const minTrades = integerFlag('min-trades', a.minTrades, WALK_FORWARD_DEFAULTS.minTrades, 1);
  const workers = integerFlag('workers', a.workers, Math.max(1, availableParallelism()), 1);
  let skipped = 0;
  const series = await CandleSeries.load(a.files, {
    badRows: a.skipBadRows ? 'skip' : 'fail',
    onBadRow: (e) => {
      skipped++;
      process.stderr.write(`skipped ${e.message}\n`);
    },
  });
  const timeframes = a.timeframes ?? [series.candles[0]?.timeframe ?? a.cfg.timeframe];
  const bar = process.stderr.isTTY ? new SingleBar({ stream: process.stderr, etaBuffer: 200, format: 'walk-forward [{bar}] {percentage}% | {value}/{total} runs | ETA: {eta_formatted}' }, Presets.shades_classic) : undefined;
  const started = performance.now();
  const { strategies, strategyParams, risk, consensus, cooldownMs, strategyName, maxGapCandles } = a.cfg.pipeline;
  const result = await runWalkForward(series, {
    files: a.files,
    skipBadRows: a.skipBadRows,
    trainMs,
    testMs,
    timeframes,
    workers,
    settings: {
      pipeline: { strategies, strategyParams, risk, consensus, cooldownMs, strategyName, maxGapCandles },
      adaptive: { halfLifeTrades: a.cfg.adaptive.halfLifeTrades, sensitivity: a.cfg.adaptive.sensitivity },
      tickSizes: a.cfg.tickSizes, costs: a.costs, maxHoldMs: a.maxHoldMs,
      seed,
      trials,
      minTrades,
    },
    onProgress: (done, total) => {
      if (!bar) return;
      if (done === 1) bar.start(total, 0);
      bar.update(done);
    },
  });
  bar?.stop();
  if (result.windows.length === 0) {
    process.stderr.write(`backtest: no walk-forward window fits: the data must span more than --train ${a.train ?? WALK_FORWARD_DEFAULTS.train} with candles after it\n`);
    return 1;
  }
  process.stdout.write(`files: ${a.files.map((f) => f.path).join(', ')}\n`);
  if (skipped) process.stdout.write(`bad rows skipped: ${skipped}\n`);
  process.stdout.write(`${formatWalkForward(result, a.costs)}\n`);
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`walk-forward: ${result.runs} backtest runs in ${seconds.toFixed(1)} s on ${workers} worker thread(s)\n`);
  return 0;
}
