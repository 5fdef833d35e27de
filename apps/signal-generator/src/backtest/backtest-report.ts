import type { BacktestResult } from './backtest.runner';

const iso = (t: number | undefined): string => (t === undefined ? '-' : new Date(t).toISOString().slice(0, 16).replace('T', ' '));

function num(x: number | undefined, digits: number): string {
  if (x === undefined) return '-';
  if (x === Infinity) return 'inf';
  return x.toFixed(digits);
}

const pct = (x: number | undefined): string => (x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);

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
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`;
  const c = r.costs;
  return [
    `candles: ${r.candles} (${r.symbols.join(', ')}), ${iso(r.firstOpenTime)} to ${iso(r.lastOpenTime)} UTC`,
    `costs: taker ${c.takerFeeBps} bps (market entry, stop and early exits), maker ${c.makerFeeBps} bps (take-profit limit), slippage ${c.slippageTicks} tick(s) per market or stop fill; max hold ${r.maxHoldMs / 60_000} min`,
    '',
    line(head),
    rule,
    ...rows.map(line),
    '',
    'As the position-closer trades: one position per symbol and source (a same-direction signal is ignored, an opposite one closes at its entry); ' +
      'SL when one candle touches both, a gapped stop fills at the open, TP at its price; R = multiples of the planned risk |entry - stop|; ' +
      'net = after fees and slippage; open = unresolved at the end of the data or at a gap.',
  ].join('\n');
}
