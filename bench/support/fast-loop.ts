import type { Candle } from '@app/contracts';
import { Atr } from '../../apps/signal-generator/src/indicators/atr';
import { BollingerBands } from '../../apps/signal-generator/src/indicators/bollinger-bands';
import { Ema } from '../../apps/signal-generator/src/indicators/ema';
import { Macd } from '../../apps/signal-generator/src/indicators/macd';
import { RollingMoments } from '../../apps/signal-generator/src/indicators/rolling-moments';
import { Rsi } from '../../apps/signal-generator/src/indicators/rsi';
import { Stochastic } from '../../apps/signal-generator/src/indicators/stochastic';
import { Vwap } from '../../apps/signal-generator/src/indicators/vwap';

/** The same loop as fasterIndicatorLoop over the pipeline's own incremental indicators. */
export function fastIndicatorLoop(candles: readonly Candle[]): number {
  const bySymbol = new Map<string, ReturnType<typeof makeSet>>();
  let sink = 0;
  for (const c of candles) {
    let s = bySymbol.get(c.symbol);
    if (s === undefined) bySymbol.set(c.symbol, (s = makeSet()));
    sink += s.emaFast.add(c.close) + s.emaSlow.add(c.close) + s.rsi.add(c.close) + s.macd.add(c.close);
    if (s.bb.add(c.close)) sink += s.bb.upper;
    sink += s.vwap.add(c.high, c.low, c.close, c.volume);
    if (s.stoch.add(c.high, c.low, c.close)) sink += s.stoch.stochK;
    s.volume.add(c.volume);
    sink += s.volume.mean + s.atr.add(c.high, c.low, c.close);
  }
  return sink;
}

function makeSet() {
  return {
    emaFast: new Ema(9),
    emaSlow: new Ema(21),
    rsi: new Rsi(14),
    bb: new BollingerBands(20, 2),
    macd: new Macd(12, 26, 9),
    vwap: new Vwap(),
    stoch: new Stochastic(14, 3, 3),
    volume: new RollingMoments(20),
    atr: new Atr(14),
  };
}
