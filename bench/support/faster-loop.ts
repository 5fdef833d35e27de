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

/**
 * The baseline: a plain loop over the same trading-signals Faster* indicators the seven
 * strategies use (EMA 9/21, RSI 14, BB 20/2, MACD 12/26/9, session VWAP, stochastic 14/3/3,
 * volume SMA 20) plus the pipeline's ATR 14, per symbol; no votes, no fusion.
 */
export function fasterIndicatorLoop(candles: readonly Candle[]): number {
  const bySymbol = new Map<string, ReturnType<typeof makeSet>>();
  let sink = 0;
  for (const c of candles) {
    let s = bySymbol.get(c.symbol);
    if (s === undefined) bySymbol.set(c.symbol, (s = makeSet()));
    sink += s.emaFast.add(c.close) ?? 0;
    sink += s.emaSlow.add(c.close) ?? 0;
    sink += s.rsi.add(c.close) ?? 0;
    sink += s.bb.add(c.close)?.upper ?? 0;
    sink += s.macd.add(c.close)?.histogram ?? 0;
    sink += s.vwap.add({ high: c.high, low: c.low, close: c.close, volume: c.volume }) ?? 0;
    sink += s.stoch.add({ high: c.high, low: c.low, close: c.close })?.stochK ?? 0;
    sink += s.volume.add(c.volume) ?? 0;
    sink += s.atr.add({ high: c.high, low: c.low, close: c.close }) ?? 0;
  }
  return sink;
}

function makeSet() {
  return {
    emaFast: new FasterEMA(9),
    emaSlow: new FasterEMA(21),
    rsi: new FasterRSI(14),
    bb: new FasterBollingerBands(20, 2),
    macd: new FasterMACD(new FasterEMA(12), new FasterEMA(26), new FasterEMA(9)),
    vwap: new FasterVWAP(),
    stoch: new FasterStochasticOscillator(14, 3, 3),
    volume: new FasterSMA(20),
    atr: new FasterATR(14),
  };
}
