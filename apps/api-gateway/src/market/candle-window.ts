import type { Candle } from '@app/contracts';

/**
 * The last `perSymbol` closed candles of each symbol, oldest first: what the dashboard's chart
 * draws. Pure (no I/O). A candle with the open time of one already held replaces it (a replay
 * restarted from the top, or a re-read after a reconnect), so the chart never shows a bar twice.
 */
export class CandleWindow {
  private readonly bySymbol = new Map<string, Candle[]>();

  constructor(private readonly perSymbol: number) {}

  add(candle: Candle): void {
    let list = this.bySymbol.get(candle.symbol);
    if (!list) this.bySymbol.set(candle.symbol, (list = []));
    const last = list[list.length - 1];
    if (!last || candle.open_time > last.open_time) {
      list.push(candle);
      if (list.length > this.perSymbol) list.splice(0, list.length - this.perSymbol);
      return;
    }
    // Out of order: rare, so a linear search from the end is fine.
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i].open_time === candle.open_time) {
        list[i] = candle;
        return;
      }
      if (list[i].open_time < candle.open_time) {
        list.splice(i + 1, 0, candle);
        if (list.length > this.perSymbol) list.shift();
        return;
      }
    }
    if (list.length < this.perSymbol) list.unshift(candle);
  }

  /** The newest `limit` candles of `symbol`, oldest first; empty for a symbol never seen. */
  last(symbol: string, limit: number): Candle[] {
    const list = this.bySymbol.get(symbol) ?? [];
    return list.slice(Math.max(0, list.length - limit));
  }

  /** Every symbol with candles, with its newest close: the dashboard's symbol list and live prices. */
  symbols(): { symbol: string; timeframe: string; close: number; close_time: number; candles: number }[] {
    return [...this.bySymbol.entries()]
      .map(([symbol, list]) => {
        const c = list[list.length - 1];
        return { symbol, timeframe: c.timeframe, close: c.close, close_time: c.close_time, candles: list.length };
      })
      .sort((a, b) => a.symbol.localeCompare(b.symbol));
  }
}
