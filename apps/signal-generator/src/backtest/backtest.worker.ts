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

/**
 * The closed trades of a shard, in the order they closed, one column per field (typed arrays
 * cross threads as one copy each, not one object per trade). A trade is keyed by where it closed
 * in the merged candle sequence: the candle's open time and symbol, and its rank among that
 * candle's closes.
 */
export interface ShardTrades {
  /** Index into the shard's `rows`. */
  source: Int32Array;
  t: Float64Array;
  /** Index into the shard's `symbols`. */
  symbol: Int32Array;
  seq: Int32Array;
  net: Float64Array;
  gross: Float64Array;
}

export interface ShardResult {
  candles: number;
  symbols: string[];
  firstOpenTime?: number;
  lastOpenTime?: number;
  rows: { source: string; signals: number; ignored: number; unresolved: number }[];
  trades: ShardTrades;
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
  const sources: string[] = [];
  const tradeSource: number[] = [];
  const tradeT: number[] = [];
  const tradeSymbol: string[] = [];
  const tradeSeq: number[] = [];
  const tradeNet: number[] = [];
  const tradeGross: number[] = [];
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
        onClose: (t) => {
          let k = sources.indexOf(t.source);
          if (k === -1) k = sources.push(t.source) - 1;
          tradeSource.push(k);
          tradeT.push(current!.open_time);
          tradeSymbol.push(current!.symbol);
          tradeSeq.push(seq++);
          tradeNet.push(t.result.netR);
          tradeGross.push(t.result.grossR);
        },
      },
    );
    progress.postMessage(sinceProgress);
    const rowOf = sources.map((name) => r.rows.findIndex((row) => row.source === name));
    return {
      candles: r.candles,
      symbols: r.symbols,
      firstOpenTime: r.firstOpenTime,
      lastOpenTime: r.lastOpenTime,
      rows: r.rows.map(({ source, stats }) => ({ source, signals: stats.signals, ignored: stats.ignored, unresolved: stats.unresolved })),
      trades: {
        source: Int32Array.from(tradeSource, (k) => rowOf[k]),
        t: Float64Array.from(tradeT),
        symbol: Int32Array.from(tradeSymbol, (s) => r.symbols.indexOf(s)),
        seq: Int32Array.from(tradeSeq),
        net: Float64Array.from(tradeNet),
        gross: Float64Array.from(tradeGross),
      },
      badRows,
    };
  } finally {
    progress.close();
  }
}
