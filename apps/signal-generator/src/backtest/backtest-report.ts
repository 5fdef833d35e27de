import type { BacktestResult } from './backtest.runner';

const iso = (t: number | undefined): string => (t === undefined ? '-' : new Date(t).toISOString().slice(0, 16).replace('T', ' '));

function num(x: number | undefined, digits: number): string {
  if (x === undefined) return '-';
  if (x === Infinity) return 'inf';
  return x.toFixed(digits);
}

/** The backtest as a Markdown table; depends only on the result, so equal input prints equal text. */
export function formatReport(r: BacktestResult): string {
  const head = ['source', 'signals', 'closed', 'wins', 'losses', 'open', 'win rate', 'avg R', 'total R', 'profit factor', 'max DD (R)'];
  const rows = r.rows.map(({ source, stats: s }) => [
    source,
    String(s.signals),
    String(s.closedTrades),
    String(s.wins),
    String(s.losses),
    String(s.unresolved),
    s.winRate === undefined ? '-' : `${(s.winRate * 100).toFixed(1)}%`,
    num(s.averageR, 3),
    num(s.totalR, 2),
    num(s.profitFactor, 2),
    num(s.maxDrawdownR, 2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`;
  return [
    `candles: ${r.candles} (${r.symbols.join(', ')}), ${iso(r.firstOpenTime)} to ${iso(r.lastOpenTime)} UTC`,
    '',
    line(head),
    rule,
    ...rows.map(line),
    '',
    'win rate = TP before SL (SL when one candle touches both) over closed trades; R = multiples of the initial risk; open = unresolved at the end of the data or at a gap.',
  ].join('\n');
}
