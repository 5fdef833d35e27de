import fc from 'fast-check';
import type { Candle } from '@app/contracts';
import { sampleCandles } from '../../test/candles';
import { CandleAggregator } from './candle-aggregator';

const MIN = 60_000;

/** The bar of one bucket, computed the obvious way from the candles in it. */
function expectedBar(candles: Candle[], timeframe: string, ms: number): Candle {
  const start = candles[0].open_time - (candles[0].open_time % ms);
  return {
    symbol: candles[0].symbol,
    timeframe,
    open_time: start,
    close_time: start + ms - 1,
    open: candles[0].open,
    high: Math.max(...candles.map((c) => c.high)),
    low: Math.min(...candles.map((c) => c.low)),
    close: candles[candles.length - 1].close,
    volume: candles.reduce((a, c) => a + c.volume, 0),
  };
}

function aggregate(candles: Candle[], timeframe: string): Candle[] {
  const agg = new CandleAggregator(timeframe);
  return candles.flatMap((c) => agg.add(c) ?? []);
}

describe('CandleAggregator', () => {
  it('turns the real 1m sample into 5m and 15m bars: first open, extremes, last close, summed volume, bucket times', () => {
    const btc = sampleCandles('BTCUSDT');
    for (const [tf, ms] of [['5m', 5 * MIN], ['15m', 15 * MIN]] as const) {
      const bars = aggregate(btc, tf);
      expect(bars).toHaveLength(btc.length / (ms / MIN));
      bars.forEach((bar, i) => {
        const group = btc.slice((i * ms) / MIN, ((i + 1) * ms) / MIN);
        const want = expectedBar(group, tf, ms);
        expect({ ...bar, volume: 0 }).toEqual({ ...want, volume: 0 });
        expect(bar.volume).toBeCloseTo(want.volume, 9);
      });
    }
    // 2025-05-06 00:00 UTC: the first 5m bar is 00:00-00:04:59.999 and closes on the 00:04 candle.
    const first = aggregate(btc.slice(0, 5), '5m');
    expect(first).toHaveLength(1);
    expect([first[0].open_time, first[0].close_time]).toEqual([Date.UTC(2025, 4, 6, 0, 0), Date.UTC(2025, 4, 6, 0, 5) - 1]);
  });

  it('emits a bar on the candle that ends its bucket, not before', () => {
    const agg = new CandleAggregator('5m');
    const btc = sampleCandles('BTCUSDT');
    expect(btc.slice(0, 4).map((c) => agg.add(c))).toEqual([undefined, undefined, undefined, undefined]);
    expect(agg.add(btc[4])?.close).toBe(btc[4].close);
  });

  it('sums taker buy volume, quote volume and trades only when every candle has them', () => {
    const base = sampleCandles('ETHUSDT').slice(0, 10);
    const full = base.map((c, i) => ({ ...c, taker_buy_volume: i + 1, quote_volume: 100, trades: 2 }));
    const [bar] = aggregate(full, '5m');
    expect([bar.taker_buy_volume, bar.quote_volume, bar.trades]).toEqual([15, 500, 10]);
    const partial = full.map((c, i) => (i === 7 ? { ...c, taker_buy_volume: undefined } : c));
    const [, second] = aggregate(partial, '5m');
    expect(second.taker_buy_volume).toBeUndefined();
    expect(second.quote_volume).toBe(500);
  });

  it('keeps symbols apart and ignores duplicate or out-of-order candles', () => {
    const agg = new CandleAggregator('5m');
    const btc = sampleCandles('BTCUSDT').slice(0, 5);
    const eth = sampleCandles('ETHUSDT').slice(0, 5);
    const out: Candle[] = [];
    for (let i = 0; i < 5; i++) {
      for (const c of [btc[i], eth[i], btc[i]]) {
        const bar = agg.add(c);
        if (bar) out.push(bar);
      }
    }
    expect(out.map((b) => [b.symbol, b.close])).toEqual([
      ['BTCUSDT', btc[4].close],
      ['ETHUSDT', eth[4].close],
    ]);
    expect(out[0]).toEqual(expectedBar(btc, '5m', 5 * MIN));
  });

  it('with holes in the 1m data: a bucket is built from the candles present, and dropped when its last candle is missing', () => {
    const minutes = fc.array(fc.boolean(), { minLength: 30, maxLength: 120 });
    const btc = sampleCandles('BTCUSDT');
    fc.assert(
      fc.property(minutes, fc.constantFrom('5m', '15m'), (present, tf) => {
        const ms = (tf === '5m' ? 5 : 15) * MIN;
        const candles = btc.slice(0, present.length).filter((_, i) => present[i]);
        const byBucket = new Map<number, Candle[]>();
        for (const c of candles) {
          const start = c.open_time - (c.open_time % ms);
          byBucket.set(start, [...(byBucket.get(start) ?? []), c]);
        }
        const want = [...byBucket.values()].filter((g) => g[g.length - 1].open_time + MIN === g[0].open_time - (g[0].open_time % ms) + ms).map((g) => expectedBar(g, tf, ms));
        const got = aggregate(candles, tf);
        expect(got.map((b) => ({ ...b, volume: Math.round(b.volume * 1e6) }))).toEqual(want.map((b) => ({ ...b, volume: Math.round(b.volume * 1e6) })));
      }),
      { seed: 13, numRuns: 200 },
    );
  });

  it('refuses a timeframe that does not divide a day or is not a multiple of the feed candles', () => {
    expect(() => new CandleAggregator('7m')).toThrow('timeframe 7m does not divide a day into whole bars');
    expect(() => new CandleAggregator('5m').add({ ...sampleCandles('BTCUSDT')[0], timeframe: '3m' })).toThrow('5m bars cannot be built from 3m candles');
  });
});
