import type { Candle } from '@app/contracts';
import type { ClosedTrade } from './trade-book';

/** A closed trade with the open time of the candle it closed on (for the chart's exit marker). */
export interface ReportTrade extends ClosedTrade {
  exitOn: number;
}

/** Most candles kept per symbol for the report's chart (a month of 1m candles). */
const MAX_CANDLES = 45_000;

/**
 * Gathers what the HTML report draws while a backtest runs: candles per symbol and closed trades.
 * The runner calls onClose while it handles a candle and onCandle after, so closes wait in
 * `pending` until onCandle says which candle they closed on.
 */
export class HtmlReportCollector {
  readonly candles = new Map<string, Candle[]>();
  readonly trades: ReportTrade[] = [];
  private pending: ClosedTrade[] = [];

  onClose = (trade: ClosedTrade): void => {
    this.pending.push(trade);
  };

  onCandle = (c: Candle): void => {
    let list = this.candles.get(c.symbol);
    if (!list) this.candles.set(c.symbol, (list = []));
    list.push(c);
    if (list.length > MAX_CANDLES) list.shift();
    for (const t of this.pending) this.trades.push({ ...t, exitOn: c.open_time });
    this.pending = [];
  };
}
