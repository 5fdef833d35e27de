import type { Candle } from '@app/contracts';
import { BacktestStats } from './backtest-stats';
import { BacktestTrade, tradeExit, tradeR } from './trade-outcome';

/** Open trades per symbol, closed by the candles that follow them; statistics per source. */
export class TradeBook {
  private readonly open = new Map<string, BacktestTrade[]>();
  readonly stats = new Map<string, BacktestStats>();

  constructor(sources: readonly string[]) {
    for (const s of sources) this.stats.set(s, new BacktestStats());
  }

  enter(trade: BacktestTrade): void {
    this.statsOf(trade.source).opened();
    const list = this.open.get(trade.symbol);
    if (list) list.push(trade);
    else this.open.set(trade.symbol, [trade]);
  }

  /** Closes the symbol's trades that this candle's range reaches, in the order they were opened. */
  onCandle(c: Candle): void {
    const list = this.open.get(c.symbol);
    if (!list || list.length === 0) return;
    let keep = 0;
    for (const t of list) {
      const exit = tradeExit(t, c);
      if (exit) this.statsOf(t.source).closed(tradeR(t, exit));
      else list[keep++] = t;
    }
    list.length = keep;
  }

  /** Voids a symbol's open trades (end of data, or a hole in it that the exit cannot be read across). */
  voidOpen(symbol?: string): void {
    for (const [sym, list] of this.open) {
      if (symbol !== undefined && sym !== symbol) continue;
      for (const t of list) this.statsOf(t.source).voided();
      list.length = 0;
    }
  }

  private statsOf(source: string): BacktestStats {
    let s = this.stats.get(source);
    if (!s) this.stats.set(source, (s = new BacktestStats()));
    return s;
  }
}
