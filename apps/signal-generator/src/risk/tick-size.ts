/** Decimal places of a tick (0.1 → 1, 0.0005 → 4, 1 → 0); ticks come as decimal fractions. */
export function tickDecimals(tick: number): number {
  return Math.min(decimalsOf(tick), 12);
}

/** Decimal places in the shortest representation of a number (95478.1 → 1, 1e-7 → 7). */
export function decimalsOf(x: number): number {
  const s = String(x);
  const e = /e-(\d+)$/.exec(s);
  if (e) {
    const mantissa = s.slice(0, e.index);
    const dot = mantissa.indexOf('.');
    return Number(e[1]) + (dot === -1 ? 0 : mantissa.length - dot - 1);
  }
  const dot = s.indexOf('.');
  return dot === -1 ? 0 : s.length - dot - 1;
}

/**
 * Rounds a price to a multiple of `tick`, in the direction asked. Works in integer tick counts
 * and prints with the tick's decimals, so 0.1-tick prices never come out as 95478.10000000001.
 */
export function roundToTick(price: number, tick: number, mode: 'down' | 'up' | 'nearest'): number {
  const ticks = price / tick;
  // A price already on the grid can sit a hair off it in floating point: snap before floor/ceil.
  const snapped = Math.abs(ticks - Math.round(ticks)) < 1e-7 ? Math.round(ticks) : ticks;
  const n = mode === 'down' ? Math.floor(snapped) : mode === 'up' ? Math.ceil(snapped) : Math.round(snapped);
  return Number((n * tick).toFixed(tickDecimals(tick)));
}

const POW10 = Array.from({ length: 9 }, (_, d) => 10 ** d);

/**
 * Math.min(decimalsOf(x), 8) without printing x: the fewest decimals d whose rounding gives x back
 * is the shortest form's, since that form round-trips and a shorter one would have been printed.
 * The pipeline asks it four times per candle for each symbol's first 1000 candles.
 */
export function decimals8(x: number): number {
  for (let d = 0; d < 8; d++) if (Math.round(x * POW10[d]) / POW10[d] === x) return d;
  return 8;
}

const TICKS = Array.from({ length: 9 }, (_, d) => Number((10 ** -d).toFixed(d)));

/**
 * Infers each symbol's tick from the prices it has seen: 10^-(most decimals seen). Used in replay
 * when no tick is configured; a symbol's first candles may show fewer decimals than the tick
 * (95478.0 prints as 95478), so the estimate only ever gets finer.
 */
export class TickInference {
  private readonly decimals = new Map<string, number>();
  private readonly seen = new Map<string, number>();

  /**
   * @param sampleCandles candles per symbol looked at; after that the estimate is settled and
   *   observing is free (printing numbers to count decimals is the costly part). Default 1000.
   */
  constructor(private readonly sampleCandles = 1000) {}

  /** The prices of one candle (the OHLC are passed one by one, so observing allocates nothing). */
  observe(symbol: string, open: number, high = open, low = open, close = open): void {
    const n = this.seen.get(symbol) ?? 0;
    if (n >= this.sampleCandles) return;
    this.seen.set(symbol, n + 1);
    let d = this.decimals.get(symbol) ?? 0;
    d = Math.max(d, decimals8(open), decimals8(high), decimals8(low), decimals8(close));
    this.decimals.set(symbol, d);
  }

  /** True once `symbol`'s estimate can no longer change. */
  settled(symbol: string): boolean {
    return (this.seen.get(symbol) ?? 0) >= this.sampleCandles;
  }

  tick(symbol: string): number | undefined {
    const d = this.decimals.get(symbol);
    return d === undefined ? undefined : TICKS[d];
  }
}
