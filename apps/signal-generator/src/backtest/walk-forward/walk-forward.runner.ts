import { extname, join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { CandleSeries } from '../../market-data/replay/candle-series';
import type { KlineFile } from '../../market-data/replay/kline-file';
import { timeframeMs } from '../../market-data/timeframe';
import { runsPerWindow, type WalkForwardSettings, type WindowResult } from './window-task';
import type { WorkerTask } from './walk-forward.worker';
import { planWindows } from './windows';

export interface WalkForwardOptions {
  /** The files `series` was read from: each worker thread reads them once itself. */
  files: KlineFile[];
  skipBadRows: boolean;
  trainMs: number;
  testMs: number;
  /** Signal timeframes; each is tuned and tested on its own. */
  timeframes: string[];
  /** Worker threads. */
  workers: number;
  settings: WalkForwardSettings;
  /** Backtest runs done of the total, as they finish (in any order). */
  onProgress?: (done: number, total: number) => void;
}

export interface WalkForwardResult {
  trainMs: number;
  testMs: number;
  timeframes: string[];
  settings: WalkForwardSettings;
  candles: number;
  symbols: string[];
  firstOpenTime?: number;
  lastOpenTime?: number;
  /** Window by window, each timeframe in the order given: the same order whatever the threads did. */
  windows: WindowResult[];
  runs: number;
}

/** The worker's module beside this one: `.ts` under the TypeScript loader, `.js` once built. */
const WORKER_FILE = join(__dirname, `walk-forward.worker${extname(__filename)}`);

/**
 * Runs every (window, timeframe) of the walk-forward in a pool of worker threads and merges the
 * results in window order. Each task is a pure function of the data and its own seeded random
 * stream, so the result is the same for any number of threads and any finishing order.
 */
export async function runWalkForward(series: CandleSeries, opts: WalkForwardOptions): Promise<WalkForwardResult> {
  const candles = series.candles;
  const feedMs = candles.length ? timeframeMs(candles[0].timeframe) : 60_000;
  const windows = planWindows(series, opts.trainMs, opts.testMs, feedMs);
  const tasks = windows.flatMap((window) => opts.timeframes.map((timeframe, timeframeIndex) => ({ window, timeframe, timeframeIndex, settings: opts.settings })));
  const total = tasks.length * runsPerWindow(opts.settings);
  let done = 0;
  const pool = new Piscina<WorkerTask, WindowResult>({ filename: WORKER_FILE, minThreads: opts.workers, maxThreads: opts.workers, idleTimeout: 60_000 });
  try {
    const results = await Promise.all(
      tasks.map((task) => {
        const { port1, port2 } = new MessageChannel();
        port1.on('message', () => opts.onProgress?.(++done, total));
        const work: WorkerTask = { ...task, files: opts.files, skipBadRows: opts.skipBadRows, progress: port2 };
        return pool.run(work, { transferList: [port2] }).finally(() => port1.close());
      }),
    );
    return {
      trainMs: opts.trainMs,
      testMs: opts.testMs,
      timeframes: opts.timeframes,
      settings: opts.settings,
      candles: candles.length,
      symbols: [...new Set(candles.map((c) => c.symbol))].sort(),
      firstOpenTime: candles[0]?.open_time,
      lastOpenTime: candles[candles.length - 1]?.open_time,
      windows: results,
      runs: results.reduce((a, r) => a + r.runs, 0),
    };
  } finally {
    await pool.destroy();
  }
}
