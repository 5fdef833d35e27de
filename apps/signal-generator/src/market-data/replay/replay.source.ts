import type { Candle } from '@app/contracts';
import type { MarketDataSource } from '../market-data-source';
import { timeframeMs } from '../timeframe';
import { CandleMerger } from './candle-merge';
import { readKlineBatches, ReadKlinesOptions } from './kline-csv.reader';
import type { KlineFile } from './kline-file';
import type { ReplaySpeed } from './replay-speed';
import { realScheduler, Scheduler } from './scheduler';

export interface ReplaySourceOptions extends ReadKlinesOptions {
  files: KlineFile[];
  /** Default `max`. At x1 a 1m candle arrives 60 s after the previous one. */
  speed?: ReplaySpeed;
  /**
   * The first N candles of each symbol are delivered without pacing, so indicators are warm when
   * paced replay starts (the service does not publish them). Default 0.
   */
  warmupCandles?: number;
  /**
   * A jump in data time longer than this (e.g. between two files months apart) is not waited for:
   * pacing restarts at the next candle. Default 1 h of data time.
   */
  maxGapMs?: number;
  /** Default: the wall clock. */
  scheduler?: Scheduler;
}

/**
 * Replays kline CSV files as a live feed: candles from all files merged in time order, each
 * delivered when it would have closed, scaled by `speed`. Pacing is anchored to the first paced
 * candle (not to the previous delivery), so slow consumers do not make the replay drift.
 */
export class ReplaySource implements MarketDataSource {
  private abort = new AbortController();
  private running = false;
  private last: number | undefined;
  private checkpoints: ReadonlyMap<string, number> = new Map();

  constructor(private readonly opts: ReplaySourceOptions) {
    if (opts.files.length === 0) throw new Error('replay needs at least one CSV file');
    for (const f of opts.files) timeframeMs(f.timeframe);
  }

  resumeAfter(checkpoints: ReadonlyMap<string, number>): void {
    this.checkpoints = checkpoints;
  }

  get connected(): boolean {
    return this.running;
  }

  get lastCandleAt(): number | undefined {
    return this.last;
  }

  async run(onCandle: (candle: Candle) => Promise<void> | void): Promise<void> {
    const { speed = 'max', warmupCandles = 0, maxGapMs = 3_600_000, scheduler = realScheduler } = this.opts;
    const seen = new Map<string, number>();
    const signal = this.abort.signal;
    let anchor: { wall: number; data: number } | undefined;
    let prevDue: number | undefined;
    this.running = true;
    const merger = new CandleMerger(this.opts.files.map((f) => readKlineBatches(f, this.opts)));
    try {
      for (;;) {
        const candle = merger.next();
        if (candle === undefined) {
          if (await merger.refill()) continue;
          return;
        }
        if (signal.aborted) return;
        const count = (seen.get(candle.symbol) ?? 0) + 1;
        seen.set(candle.symbol, count);
        const due = candle.close_time + 1;
        const decided = candle.open_time <= (this.checkpoints.get(candle.symbol) ?? -Infinity);
        if (speed !== 'max' && count > warmupCandles && !decided) {
          if (anchor === undefined || (prevDue !== undefined && due - prevDue > maxGapMs)) {
            anchor = { wall: scheduler.now(), data: due };
          }
          const wait = anchor.wall + (due - anchor.data) / speed - scheduler.now();
          if (wait > 0) await scheduler.sleep(wait, signal);
          if (signal.aborted) return;
          prevDue = due;
        }
        this.last = scheduler.now();
        // A synchronous handler (the backtest) is not awaited: a microtask per candle costs more
        // than the pipeline itself.
        const handled = onCandle(candle);
        if (handled !== undefined) await handled;
      }
    } finally {
      await merger.close();
      this.running = false;
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
  }
}
