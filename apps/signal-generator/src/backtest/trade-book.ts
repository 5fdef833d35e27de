import type { Candle, CloseReason, Direction } from '@app/contracts';
import { exitOnCandle, signalAction, tradeResult, type CostModel, type SignalAction, type TradeResult } from '@app/trading';
import { SourceStats } from './source-stats';

/** A hypothetical trade: entered at the close of the candle that produced it. */
export interface BookTrade {
  /** Strategy name, or the fused signal's name. */
  source: string;
  symbol: string;
  direction: Direction;
  entry: number;
  stopLoss: number;
  takeProfit: number;
  /** Open time of the candle it was entered on; only later candles can close it. */
  enteredOn: number;
  /** When it was entered (the candle's close, epoch ms): the max hold counts from here. */
  enteredAt: number;
  /** The symbol's tick, for slippage; undefined prices none. */
  tick?: number;
}

export interface ClosedTrade extends BookTrade {
  reason: CloseReason;
  exitPrice: number;
  result: TradeResult;
}

export interface TradeBookOptions {
  costs: CostModel;
  /** A trade still open this long after entry closes at a candle's close (`max_hold`); undefined = never. */
  maxHoldMs?: number;
  /** Every closed trade, in the order they close. */
  onClose?: (trade: ClosedTrade) => void;
}

/**
 * What the position-closer would do with each source's signals, one source at a time: at most one
 * open trade per symbol (a same-direction signal is ignored, an opposite one closes the open trade
 * at its entry and opens), exits by the shared rule, and the max hold. Statistics per source.
 */
export class TradeBook {
  /** symbol → source → its open trade. */
  private readonly open = new Map<string, Map<string, BookTrade>>();
  readonly stats = new Map<string, SourceStats>();

  constructor(sources: readonly string[], private readonly opts: TradeBookOptions) {
    for (const s of sources) this.stats.set(s, new SourceStats());
  }

  /** A signal of `trade.source`: opens it, ignores it, or reverses the open one (see signalAction). */
  signal(trade: BookTrade): SignalAction {
    const stats = this.statsOf(trade.source);
    stats.signals++;
    const bySource = this.openOf(trade.symbol);
    const current = bySource.get(trade.source);
    const action = signalAction(current?.direction, trade.direction);
    if (action === 'ignore') {
      stats.ignored++;
      return action;
    }
    if (current) this.close(current, 'opposite_signal', trade.entry);
    bySource.set(trade.source, trade);
    return action;
  }

  /** Closes the symbol's trades that this candle's range reaches, or whose max hold it ends. */
  onCandle(c: Candle): void {
    const bySource = this.open.get(c.symbol);
    if (!bySource) return;
    for (const t of bySource.values()) {
      const exit = exitOnCandle({ direction: t.direction, stopLoss: t.stopLoss, takeProfit: t.takeProfit, marketTimeMs: t.enteredOn }, c);
      if (exit) this.close(t, exit.reason, exit.price);
      // The closer's max-hold job closes at the last price seen: the close of the candle that ends when the hold does.
      else if (this.opts.maxHoldMs !== undefined && c.close_time + 1 >= t.enteredAt + this.opts.maxHoldMs) this.close(t, 'max_hold', c.close);
    }
  }

  /** Voids a symbol's open trades (end of data, or a hole in it that the exit cannot be read across). */
  voidOpen(symbol?: string): void {
    for (const [sym, bySource] of this.open) {
      if (symbol !== undefined && sym !== symbol) continue;
      for (const t of bySource.values()) this.statsOf(t.source).unresolved++;
      bySource.clear();
    }
  }

  private close(t: BookTrade, reason: CloseReason, exitPrice: number): void {
    this.open.get(t.symbol)?.delete(t.source);
    const result = tradeResult({ direction: t.direction, entry: t.entry, stopLoss: t.stopLoss, reason, exitPrice, tick: t.tick }, this.opts.costs);
    const stats = this.statsOf(t.source);
    stats.gross.add(result.grossR);
    stats.net.add(result.netR);
    this.opts.onClose?.({ ...t, reason, exitPrice, result });
  }

  private openOf(symbol: string): Map<string, BookTrade> {
    let m = this.open.get(symbol);
    if (!m) this.open.set(symbol, (m = new Map<string, BookTrade>()));
    return m;
  }

  private statsOf(source: string): SourceStats {
    let s = this.stats.get(source);
    if (!s) this.stats.set(source, (s = new SourceStats()));
    return s;
  }
}
