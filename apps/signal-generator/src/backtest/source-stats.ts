import { TradeStats } from '@app/trading';

/** One source's (a strategy's, or the fused signal's) signals and the R of its closed trades. */
export class SourceStats {
  /** Signals offered to the book, opened or not. */
  signals = 0;
  /** Signals that opened nothing: a position in the same direction was already open. */
  ignored = 0;
  /** Trades still open when the data ended (or a data gap voided them); not in the figures. */
  unresolved = 0;
  /** R before costs, in the order trades closed. */
  readonly gross = new TradeStats();
  /** R after fees and slippage. */
  readonly net = new TradeStats();
}
