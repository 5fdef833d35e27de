import type { MessagePort } from 'node:worker_threads';
import { MicrosClock, type Candle } from '@app/contracts';
import type { CostModel } from '@app/trading';
import type { KlineFile } from '../market-data/replay/kline-file';
import { ReplaySource } from '../market-data/replay/replay.source';
import type { SignalPipelineOptions } from '../pipeline/signal-pipeline';
import { runBacktest } from './backtest.runner';

/** The settings of a backtest as plain data (a worker thread cannot be sent functions). */
export interface BacktestSettings {
  pipeline: Omit<SignalPipelineOptions, 'clock' | 'tickSize' | 'source'>;
  tickSizes: Record<string, number>;
  costs: CostModel;
  maxHoldMs: number;
  timeframes?: string[];
  skipBadRows: boolean;
}

/** One thread's share of a backtest: the files of some symbols, with a port for progress. */
export interface ShardTask {
  files: KlineFile[];
  settings: BacktestSettings;
  /** A message (a number of candles) every few thousand candles, for the progress bar. */
  progress: MessagePort;
}

/** A closed trade, keyed by where in the merged candle sequence it closed. */
export interface ShardTrade {
  source: string;
  /** The candle it closed on: open time, symbol, and its rank among that candle's closes. */
  t: number;
  symbol: string;
  seq: number;
  net: number;
  gross: number;
}

export interface ShardResult {
  candles: number;
  symbols: string[];
  firstOpenTime?: number;
  lastOpenTime?: number;
  rows: { source: string; signals: number; ignored: number; unresolved: number }[];
  trades: ShardTrade[];
  /** `file:line: problem` of each bad row skipped, in the order met. */
  badRows: string[];
}

const PROGRESS_EVERY = 5000;

/** The worker thread's entry (piscina calls the default export with each task). */
export default async function backtestShard({ files, settings: s, progress }: ShardTask): Promise<ShardResult> {
  const badRows: string[] = [];
  const replay = new ReplaySource({ files, speed: 'max', badRows: s.skipBadRows ? 'skip' : 'fail', onBadRow: (e) => badRows.push(e.message) });
  // Every close is stamped with the candle being processed, so the threads' trades merge back
  // into exactly the order one thread would have closed them in.
  let current: Candle | undefined;
  let seq = 0;
  let sinceProgress = 0;
  const trades: ShardTrade[] = [];
  try {
    const r = await runBacktest(
      {
        run: (onCandle) =>
          replay.run((c) => {
            current = c;
            seq = 0;
            return onCandle(c);
          }),
        stop: () => replay.stop(),
        get connected() {
          return replay.connected;
        },
        get lastCandleAt() {
          return replay.lastCandleAt;
        },
      },
      {
        ...s.pipeline,
        source: 'backtest',
        clock: new MicrosClock(() => 0),
        tickSize: (sym) => s.tickSizes[sym],
        costs: s.costs,
        maxHoldMs: s.maxHoldMs,
        timeframes: s.timeframes,
        onCandle: () => {
          if (++sinceProgress === PROGRESS_EVERY) {
            progress.postMessage(sinceProgress);
            sinceProgress = 0;
          }
        },
        onClose: (t) => void trades.push({ source: t.source, t: current!.open_time, symbol: current!.symbol, seq: seq++, net: t.result.netR, gross: t.result.grossR }),
      },
    );
    progress.postMessage(sinceProgress);
    return {
      candles: r.candles,
      symbols: r.symbols,
      firstOpenTime: r.firstOpenTime,
      lastOpenTime: r.lastOpenTime,
      rows: r.rows.map(({ source, stats }) => ({ source, signals: stats.signals, ignored: stats.ignored, unresolved: stats.unresolved })),
      trades,
      badRows,
    };
  } finally {
    progress.close();
  }
}
