import { parseTimestampMs, type Candle, type NewSignal } from '@app/contracts';

interface Open {
  id: string;
  signal: NewSignal;
  mt: number;
}

/**
 * The rules, re-stated in a dozen lines over the streams' contents: per symbol, in market time,
 * each candle is judged before the signals of that candle; a level touched → close (stop first;
 * a gapped stop at the open); an opposite signal → close at its entry and open; the same
 * direction → ignored.
 */
export function replay(signals: { id: string; payload: NewSignal }[], candles: Candle[]) {
  const opened: string[] = [];
  const closed: { id: string; reason: string; exit: number }[] = [];
  const open = new Map<string, Open>();
  const bySymbolTime = new Map<string, { id: string; payload: NewSignal }[]>();
  for (const s of signals) {
    const key = `${s.payload.symbol}@${parseTimestampMs(s.payload.metadata.candle_time!)}`;
    bySymbolTime.set(key, [...(bySymbolTime.get(key) ?? []), s]);
  }
  for (const c of candles) {
    const p = open.get(c.symbol);
    if (p && c.open_time > p.mt) {
      const { stop_loss: sl, take_profit: tp, direction } = p.signal;
      const buy = direction === 'BUY';
      if (buy ? c.low <= sl : c.high >= sl) closed.push({ id: p.id, reason: 'stop_loss', exit: buy ? Math.min(sl, c.open) : Math.max(sl, c.open) });
      else if (buy ? c.high >= tp : c.low <= tp) closed.push({ id: p.id, reason: 'take_profit', exit: tp });
      if (closed[closed.length - 1]?.id === p.id) open.delete(c.symbol);
    }
    for (const s of bySymbolTime.get(`${c.symbol}@${c.open_time}`) ?? []) {
      const cur = open.get(c.symbol);
      if (cur && cur.signal.direction === s.payload.direction) continue;
      if (cur) closed.push({ id: cur.id, reason: 'opposite_signal', exit: s.payload.entry_price });
      open.set(c.symbol, { id: s.id, signal: s.payload, mt: c.open_time });
      opened.push(s.id);
    }
  }
  return { opened, closed, open: [...open.values()].map((p) => p.id) };
}
