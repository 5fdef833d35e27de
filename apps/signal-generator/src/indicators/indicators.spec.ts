import type { Candle } from '@app/contracts';
import {
  FasterATR,
  FasterBollingerBands,
  FasterEMA,
  FasterMACD,
  FasterRSI,
  FasterSMA,
  FasterStochasticOscillator,
  FasterVWAP,
} from 'trading-signals';
import { sampleCandles } from '../../test/candles';
import { Atr } from './atr';
import { BollingerBands } from './bollinger-bands';
import { Ema } from './ema';
import { Macd } from './macd';
import { RollingMax } from './rolling-max';
import { RollingMoments } from './rolling-moments';
import { Rsi } from './rsi';
import { Stochastic } from './stochastic';
import { Vwap } from './vwap';

/**
 * Every fast indicator against trading-signals (the reference) on the same candles: both must
 * have a value on the same candles, and the values must agree within 1e-9.
 */
const TOLERANCE = 1e-9;

/** Real BTC and ETH, and a long synthetic walk at BTC's price level (drift of running sums). */
const SERIES: [string, Candle[]][] = [
  ['BTCUSDT', sampleCandles('BTCUSDT')],
  ['ETHUSDT', sampleCandles('ETHUSDT')],
  ['50k-candle random walk', randomWalk(50_000, 95_000)],
];

function expectSame(name: string, ours: number, ref: number | null | undefined, at: number): void {
  if (ref === null || ref === undefined) {
    if (!Number.isNaN(ours)) throw new Error(`${name}: value ${ours} at candle ${at} where trading-signals has none`);
    return;
  }
  if (!(Math.abs(ours - ref) <= TOLERANCE)) throw new Error(`${name}: ${ours} vs trading-signals ${ref} at candle ${at} (off by ${Math.abs(ours - ref)})`);
}

describe.each(SERIES)('fast indicators match trading-signals on %s', (_, candles) => {
  it('EMA 9 and 21, with the same warm-up', () => {
    for (const period of [9, 21]) {
      const ours = new Ema(period);
      const ref = new FasterEMA(period);
      candles.forEach((c, i) => {
        expectSame(`EMA ${period}`, ours.add(c.close), ref.add(c.close), i);
        if (ours.stable !== ref.isStable) throw new Error(`EMA ${period}: stable ${ours.stable} at candle ${i}`);
      });
    }
  });

  it('RSI 14', () => {
    const ours = new Rsi(14);
    const ref = new FasterRSI(14);
    candles.forEach((c, i) => expectSame('RSI', ours.add(c.close), ref.add(c.close), i));
  });

  it('MACD 12/26/9', () => {
    const ours = new Macd(12, 26, 9);
    const ref = new FasterMACD(new FasterEMA(12), new FasterEMA(26), new FasterEMA(9));
    candles.forEach((c, i) => {
      const h = ours.add(c.close);
      const r = ref.add(c.close);
      expectSame('MACD histogram', h, r?.histogram, i);
      if (r) expectSame('MACD', ours.macd, r.macd, i);
    });
  });

  it('Bollinger 20/2', () => {
    const ours = new BollingerBands(20, 2);
    const ref = new FasterBollingerBands(20, 2);
    candles.forEach((c, i) => {
      const got = ours.add(c.close);
      const r = ref.add(c.close);
      if (got !== (r !== null)) throw new Error(`bands at candle ${i}: ${got}`);
      if (!r) return;
      expectSame('BB lower', ours.lower, r.lower, i);
      expectSame('BB middle', ours.middle, r.middle, i);
      expectSame('BB upper', ours.upper, r.upper, i);
    });
  });

  it('stochastic 14/3/3, %K and %D', () => {
    const ours = new Stochastic(14, 3, 3);
    const ref = new FasterStochasticOscillator(14, 3, 3);
    candles.forEach((c, i) => {
      const got = ours.add(c.high, c.low, c.close);
      const r = ref.add({ high: c.high, low: c.low, close: c.close });
      if (got !== (r !== null)) throw new Error(`%K/%D at candle ${i}: ${got}`);
      if (!r) return;
      expectSame('%K', ours.stochK, r.stochK, i);
      expectSame('%D', ours.stochD, r.stochD, i);
    });
  });

  it('volume SMA 20 (rolling mean)', () => {
    const ours = new RollingMoments(20);
    const ref = new FasterSMA(20);
    candles.forEach((c, i) => {
      ours.add(c.volume);
      expectSame('SMA', ours.full ? ours.mean : NaN, ref.add(c.volume), i);
    });
  });

  it('ATR 14', () => {
    const ours = new Atr(14);
    const ref = new FasterATR(14);
    candles.forEach((c, i) => expectSame('ATR', ours.add(c.high, c.low, c.close), ref.add({ high: c.high, low: c.low, close: c.close }), i));
  });

  it('VWAP, restarted every 1,440 candles like a session', () => {
    const ours = new Vwap();
    let ref = new FasterVWAP();
    candles.forEach((c, i) => {
      if (i % 1440 === 0) {
        ours.reset();
        ref = new FasterVWAP();
      }
      const input = { high: c.high, low: c.low, close: c.close, volume: c.volume };
      expectSame('VWAP', ours.add(c.high, c.low, c.close, c.volume), ref.add(input) ?? ref.getResult(), i);
    });
  });
});

describe('RollingMax', () => {
  it('is the highest of the last n values, and negated the lowest', () => {
    const xs = randomWalk(2_000, 100).map((c) => c.close);
    const max = new RollingMax(14);
    const negMin = new RollingMax(14);
    xs.forEach((x, i) => {
      const window = xs.slice(Math.max(0, i - 13), i + 1);
      expect(max.add(x)).toBe(Math.max(...window));
      expect(-negMin.add(-x)).toBe(Math.min(...window));
    });
  });
});

describe('Stochastic', () => {
  it("keeps trading-signals' %D = 0 when %K is exactly 0 (a close at the lowest low three times)", () => {
    const ours = new Stochastic(3, 3, 3);
    const ref = new FasterStochasticOscillator(3, 3, 3);
    const closes = [10, 11, 12, 11, 12, 13, 12, 9, 8, 7, 6, 5, 5, 5, 6, 7];
    closes.forEach((close, i) => {
      const low = close === 5 ? 5 : close - 0.5;
      const high = close + 0.5;
      const got = ours.add(high, low, close);
      const r = ref.add({ high, low: i >= 11 && i <= 13 ? 5 : low, close });
      expect(got).toBe(r !== null);
      if (r) expect([ours.stochK, ours.stochD]).toEqual([r.stochK, r.stochD]);
    });
  });
});

/** A deterministic random walk of 1m candles (xorshift), so the test never depends on chance. */
function randomWalk(n: number, start: number): Candle[] {
  let seed = 0x2545f491;
  const rnd = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const out: Candle[] = [];
  let close = start;
  for (let i = 0; i < n; i++) {
    const open = close;
    close = Math.max(1, Math.round((open * (1 + (rnd() - 0.5) * 0.004)) * 10) / 10);
    const high = Math.max(open, close) + Math.round(rnd() * 30) / 10;
    const low = Math.min(open, close) - Math.round(rnd() * 30) / 10;
    const volume = rnd() < 0.01 ? 0 : Math.round(rnd() * 500_000) / 1000;
    out.push({ symbol: 'WALK', timeframe: '1m', open_time: i * 60_000, close_time: i * 60_000 + 59_999, open, high, low, close, volume });
  }
  return out;
}
