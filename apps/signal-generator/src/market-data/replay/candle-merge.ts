import type { Candle } from '@app/contracts';

/** Orders candles by open time; equal times by symbol, so a merge is deterministic. */
export function candleOrder(a: Candle, b: Candle): number {
  return a.open_time - b.open_time || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);
}

const EMPTY: Candle[] = [];

/**
 * Merges time-ordered candle batches (one stream of batches per file) into one time-ordered
 * sequence. Holds one batch per input, so memory stays flat however long the files are; a linear
 * scan for the minimum is cheaper than a heap for the handful of files a replay uses.
 *
 * `next()` is synchronous, and the only awaits are `refill()`s, once per batch: awaiting per
 * candle capped the max-speed replay (and so the backtest) at a fraction of the reader's rate.
 */
export class CandleMerger {
  /** Each input's current batch; undefined once the input is finished. */
  private readonly batches: (Candle[] | undefined)[];
  private readonly pos: number[];

  constructor(private readonly inputs: AsyncIterator<Candle[]>[]) {
    this.batches = inputs.map(() => EMPTY);
    this.pos = inputs.map(() => 0);
  }

  /** The next candle in time order; undefined when an input needs `refill()` or all are done. */
  next(): Candle | undefined {
    let best = -1;
    let bestCandle: Candle | undefined;
    for (let i = 0; i < this.batches.length; i++) {
      const batch = this.batches[i];
      if (batch === undefined) continue;
      const p = this.pos[i];
      if (p >= batch.length) return undefined;
      const c = batch[p];
      if (bestCandle === undefined || candleOrder(c, bestCandle) < 0) {
        best = i;
        bestCandle = c;
      }
    }
    if (best !== -1) this.pos[best]++;
    return bestCandle;
  }

  /** Reads the next batch of every input that ran out; false when every input is finished. */
  async refill(): Promise<boolean> {
    let live = false;
    for (let i = 0; i < this.inputs.length; i++) {
      let batch = this.batches[i];
      while (batch !== undefined && this.pos[i] >= batch.length) {
        const r = await this.inputs[i].next();
        batch = r.done ? undefined : r.value;
        this.batches[i] = batch;
        this.pos[i] = 0;
      }
      if (batch !== undefined) live = true;
    }
    return live;
  }

  /** Closes every input (their files), finished or not. */
  async close(): Promise<void> {
    for (const it of this.inputs) await it.return?.(undefined);
  }
}
