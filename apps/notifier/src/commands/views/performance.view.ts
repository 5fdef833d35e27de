import { field } from '../../telegram/html';
import { formatR, formatShort } from '../../telegram/number-format';
import type { PerformanceReply, PerformanceStats } from './gateway-replies';
import { asOf } from './view-text';

/** Rows per table: the groups with the most trades. */
export const GROUP_ROWS = 6;

/** `/performance`: closed trades after fees and slippage (gross beside), overall, by strategy and symbol. */
export function performanceView(p: PerformanceReply, now: Date): string {
  const o = p.overall;
  const lines = ['📈 <b>Performance</b> · closed trades, after fees and slippage'];
  if (!o.trades) {
    lines.push(`No closed trade yet (${p.open_positions} open).`);
  } else {
    lines.push(
      `Trades ${o.trades} · win rate ${pct(o.net_win_rate)} (gross ${pct(o.win_rate)})`,
      `Total ${formatR(o.net_total_r)} (gross ${formatR(o.total_r)}) · avg ${formatR(o.net_average_r)} · PF ${pf(o.net_profit_factor)}`,
      `Open positions: ${p.open_positions}`,
      '<b>By strategy</b>',
      ...table(p.by_strategy),
      '<b>By symbol</b>',
      ...table(p.by_symbol),
    );
  }
  lines.push(asOf(now));
  return lines.join('\n');
}

function table(groups: Record<string, PerformanceStats>): string[] {
  const rows = Object.entries(groups).sort(([, a], [, b]) => b.trades - a.trades);
  const out = rows.slice(0, GROUP_ROWS).map(([name, s]) => `  ${field(name, 32)}: ${s.trades} · ${pct(s.net_win_rate)} · ${formatR(s.net_total_r)}`);
  if (rows.length > GROUP_ROWS) out.push(`  … and ${rows.length - GROUP_ROWS} more`);
  return out;
}

function pct(n: number): string {
  return `${formatShort(n)}%`;
}

function pf(n: number | null): string {
  return n === null ? '∞' : formatShort(n);
}
