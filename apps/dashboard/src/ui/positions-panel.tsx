import { formatAgo, formatPct, formatPrice, formatR } from '../logic/format';
import { exitLabel, liveR } from '../logic/positions';
import type { Position } from '../logic/types';

interface Props {
  open: Position[];
  closed: Position[];
  prices: Record<string, number>;
  now: number;
  onClose: (p: Position) => void;
}

const rClass = (r: number | null | undefined) => (r === null || r === undefined ? '' : r > 0 ? 'pos' : r < 0 ? 'neg' : '');

export function PositionsPanel({ open, closed, prices, now, onClose }: Props) {
  return (
    <div class="positions" data-testid="positions">
      <table class="grid">
        <thead>
          <tr>
            <th>Open</th>
            <th>Side</th>
            <th class="num">Entry</th>
            <th class="num">SL</th>
            <th class="num">TP</th>
            <th class="num">Last</th>
            <th class="num">R</th>
            <th>Age</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {open.length ? (
            open.map((p) => {
              const r = liveR(p, prices[p.symbol]);
              return (
                <tr key={p.position_id}>
                  <td>{p.symbol}</td>
                  <td class={p.direction === 'BUY' ? 'buy' : 'sell'}>{p.direction}</td>
                  <td class="num">{formatPrice(p.entry_price)}</td>
                  <td class="num neg">{formatPrice(p.stop_loss)}</td>
                  <td class="num pos">{formatPrice(p.take_profit)}</td>
                  <td class="num">{prices[p.symbol] ? formatPrice(prices[p.symbol]) : '—'}</td>
                  <td class={`num ${rClass(r)}`}>{formatR(r)}</td>
                  <td>{formatAgo(p.opened_at, now)}</td>
                  <td>
                    <button class="btn small danger" onClick={() => onClose(p)}>
                      Close
                    </button>
                  </td>
                </tr>
              );
            })
          ) : (
            <tr>
              <td colSpan={9} class="empty">
                No open positions
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <table class="grid">
        <thead>
          <tr>
            <th>Closed</th>
            <th>Side</th>
            <th>Strategy</th>
            <th class="num">Entry</th>
            <th class="num">Exit</th>
            <th>Exit reason</th>
            <th class="num">R net</th>
            <th class="num">R gross</th>
            <th class="num">PnL net</th>
            <th>Ago</th>
          </tr>
        </thead>
        <tbody>
          {closed.slice(0, 50).map((p) => (
            <tr key={p.position_id}>
              <td>{p.symbol}</td>
              <td class={p.direction === 'BUY' ? 'buy' : 'sell'}>{p.direction}</td>
              <td class="dim">{p.strategy_name}</td>
              <td class="num">{formatPrice(p.entry_price)}</td>
              <td class="num">{p.exit_price ? formatPrice(p.exit_price) : '—'}</td>
              <td>{exitLabel(p.reason)}</td>
              <td class={`num ${rClass(p.net_r_multiple)}`}>{formatR(p.net_r_multiple)}</td>
              <td class={`num dim`}>{formatR(p.r_multiple)}</td>
              <td class={`num ${rClass(p.net_pnl_pct)}`}>{formatPct(p.net_pnl_pct, 2)}</td>
              <td>{p.closed_at ? formatAgo(p.closed_at, now) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
