import { formatPct, formatR } from '../logic/format';
import { equityCurve, maxDrawdown } from '../logic/positions';
import type { Performance, PerformanceStats, Position } from '../logic/types';
import { EquityChart } from './equity-chart';

const pf = (x: number | null) => (x === null ? '∞' : x.toFixed(2));
const cls = (r: number) => (r > 0 ? 'pos' : r < 0 ? 'neg' : '');

function StatsTable({ title, rows }: { title: string; rows: Record<string, PerformanceStats> }) {
  return (
    <table class="grid">
      <thead>
        <tr>
          <th>{title}</th>
          <th class="num">Trades</th>
          <th class="num">Win% net</th>
          <th class="num">PF net</th>
          <th class="num">Σ R net</th>
          <th class="num">Σ R gross</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(rows).map(([k, s]) => (
          <tr key={k}>
            <td>{k}</td>
            <td class="num">{s.trades}</td>
            <td class="num">{formatPct(s.net_win_rate)}</td>
            <td class="num">{pf(s.net_profit_factor)}</td>
            <td class={`num ${cls(s.net_total_r)}`}>{formatR(s.net_total_r)}</td>
            <td class="num dim">{formatR(s.total_r)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Equity in R after fees, the headline figures, and the tables by strategy and symbol. */
export function PerformancePanel({ perf, closed }: { perf: Performance | undefined; closed: Position[] }) {
  const curve = equityCurve(closed);
  const o = perf?.overall;
  return (
    <div class="performance" data-testid="performance">
      <div class="kpis">
        <div>
          <label>Trades</label>
          <b>{o?.trades ?? 0}</b>
        </div>
        <div>
          <label>Σ R net</label>
          <b class={cls(o?.net_total_r ?? 0)}>{formatR(o?.net_total_r ?? 0)}</b>
        </div>
        <div>
          <label>Σ R gross</label>
          <b>{formatR(o?.total_r ?? 0)}</b>
        </div>
        <div>
          <label>Win% net</label>
          <b>{formatPct(o?.net_win_rate)}</b>
        </div>
        <div>
          <label>PF net</label>
          <b>{o ? pf(o.net_profit_factor) : '—'}</b>
        </div>
        <div>
          <label>Max DD</label>
          <b class="neg">{formatR(maxDrawdown(curve))}</b>
        </div>
      </div>
      <EquityChart points={curve} />
      {perf ? (
        <div class="tables">
          <StatsTable title="Strategy" rows={perf.by_strategy} />
          <StatsTable title="Symbol" rows={perf.by_symbol} />
        </div>
      ) : null}
    </div>
  );
}
