import type { Candle } from '@app/contracts';

/** Orders candles by open time; equal times by symbol, so a merge is deterministic. */
export function candleOrder(a: Candle, b: Candle): number {
  return a.open_time - b.open_time || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);
}

/**
 * Merges time-ordered candle streams (one per file) into one time-ordered stream. Holds one
 * candle per input, so memory stays flat however long the files are; a linear scan for the
 * minimum is cheaper than a heap for the handful of files a replay uses.
 */
export async function* mergeCandles(inputs: AsyncIterator<Candle>[]): AsyncGenerator<Candle> {
  const heads: (Candle | undefined)[] = await Promise.all(inputs.map(async (it) => (await it.next()).value as Candle | undefined));
  try {
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h !== undefined && (best === -1 || candleOrder(h, heads[best] as Candle) < 0)) best = i;
      }
      if (best === -1) return;
      yield heads[best] as Candle;
      const next = await inputs[best].next();
      heads[best] = next.done ? undefined : next.value;
    }
  } finally {
    for (const it of inputs) await it.return?.(undefined);
  }
}
