import { normaliseIso } from './format';
import type { Candle, Signal } from './types';

export interface Bar {
  /** UTC seconds, as lightweight-charts takes them. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

export interface SignalMarker {
  time: number;
  position: 'belowBar' | 'aboveBar';
  shape: 'arrowUp' | 'arrowDown';
  color: string;
  text: string;
  id: string;
}

export interface PriceLevel {
  price: number;
  title: string;
  color: string;
}

export const COLORS = { buy: '#26a69a', sell: '#ef5350', entry: '#42a5f5', stop: '#ef5350', target: '#26a69a' } as const;

export function toBars(candles: readonly Candle[]): Bar[] {
  return candles.map((c) => ({ time: Math.floor(c.open_time / 1000), open: c.open, high: c.high, low: c.low, close: c.close }));
}

/**
 * One marker per signal, on the candle it was made on (`metadata.candle_time`, else the newest
 * candle opened at or before its timestamp). Signals outside the candles shown get no marker:
 * lightweight-charts would pin them to an edge, which misleads.
 */
export function signalMarkers(signals: readonly Signal[], bars: readonly Bar[]): SignalMarker[] {
  if (!bars.length) return [];
  const first = bars[0].time;
  const last = bars[bars.length - 1].time;
  const out: SignalMarker[] = [];
  for (const s of signals) {
    const at = Date.parse(normaliseIso(s.metadata.candle_time ?? s.timestamp)) / 1000;
    if (!Number.isFinite(at) || at < first || at > last + 3600) continue;
    const time = barAtOrBefore(bars, at);
    const buy = s.direction === 'BUY';
    out.push({
      time,
      position: buy ? 'belowBar' : 'aboveBar',
      shape: buy ? 'arrowUp' : 'arrowDown',
      color: buy ? COLORS.buy : COLORS.sell,
      text: `${s.direction} ${Math.round(s.signal_strength)}`,
      id: s.id,
    });
  }
  // lightweight-charts needs markers in time order.
  return out.sort((a, b) => a.time - b.time);
}

/** Entry, stop and target of one signal, as horizontal lines. */
export function priceLevels(s: Signal): PriceLevel[] {
  return [
    { price: s.entry_price, title: 'Entry', color: COLORS.entry },
    { price: s.stop_loss, title: 'SL', color: COLORS.stop },
    { price: s.take_profit, title: 'TP', color: COLORS.target },
  ];
}

function barAtOrBefore(bars: readonly Bar[], t: number): number {
  let lo = 0;
  let hi = bars.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bars[mid].time <= t) lo = mid;
    else hi = mid - 1;
  }
  return bars[lo].time;
}
