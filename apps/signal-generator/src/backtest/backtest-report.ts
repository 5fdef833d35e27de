import type { BacktestResult } from './backtest.runner';
import { isoMinute as iso, markdownTable, num, pct } from './markdown-table';

/** The backtest as a Markdown table, net of costs beside gross; equal input prints equal text. */
export function formatReport(r: BacktestResult): string {
  const head = ['source', 'signals', 'ignored', 'closed', 'open', 'win rate net', 'gross', 'avg R net', 'gross', 'total R net', 'gross', 'PF net', 'gross', 'max DD net (R)', 'gross'];
  const rows = r.rows.map(({ source, stats: s }) => [
    source,
    String(s.signals),
    String(s.ignored),
    String(s.gross.trades),
    String(s.unresolved),
    pct(s.net.winRate),
    pct(s.gross.winRate),
    num(s.net.average, 3),
    num(s.gross.average, 3),
    num(s.net.total, 2),
    num(s.gross.total, 2),
    num(s.net.profitFactor, 2),
    num(s.gross.profitFactor, 2),
    num(s.net.maxDrawdown, 2),
    num(s.gross.maxDrawdown, 2),
  ]);
  const c = r.costs;
  return [
    `candles: ${r.candles} (${r.symbols.join(', ')}), ${iso(r.firstOpenTime)} to ${iso(r.lastOpenTime)} UTC`,
    `costs: taker ${c.takerFeeBps} bps (market entry, stop and early exits), maker ${c.makerFeeBps} bps (take-profit limit), slippage ${c.slippageTicks} tick(s) per market or stop fill; max hold ${r.maxHoldMs / 60_000} min`,
    '',
    ...markdownTable(head, rows),
    '',
    'As the position-closer trades: one position per symbol and source (a same-direction signal is ignored, an opposite one closes at its entry); ' +
      'SL when one candle touches both, a gapped stop fills at the open, TP at its price; R = multiples of the planned risk |entry - stop|; ' +
      'net = after fees and slippage; open = unresolved at the end of the data or at a gap.',
  ].join('\n');
}
