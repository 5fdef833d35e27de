import { normaliseIso } from './format';
import type { Position } from './types';

/** R of an open position at `price`: the move in units of its initial risk |entry − stop|. */
export function liveR(p: Pick<Position, 'direction' | 'entry_price' | 'stop_loss'>, price: number | undefined): number | null {
  if (price === undefined) return null;
  const risk = Math.abs(p.entry_price - p.stop_loss);
  if (risk === 0) return null;
  return ((p.direction === 'BUY' ? 1 : -1) * (price - p.entry_price)) / risk;
}

export interface EquityPoint {
  /** UTC seconds of the close. */
  time: number;
  /** Cumulative R after fees and slippage (gross where a trade has no net figure). */
  value: number;
}

/**
 * Equity in R, net of costs, one point per closed trade in close order. Two closes in the same
 * second share one point (a chart needs strictly increasing times).
 */
export function equityCurve(closed: readonly Position[]): EquityPoint[] {
  const sorted = closed
    .filter((p) => p.closed_at)
    .map((p) => ({ t: Math.floor(Date.parse(normaliseIso(p.closed_at!)) / 1000), r: p.net_r_multiple ?? p.r_multiple ?? 0 }))
    .filter((x) => Number.isFinite(x.t))
    .sort((a, b) => a.t - b.t);
  const out: EquityPoint[] = [];
  let total = 0;
  for (const { t, r } of sorted) {
    total += r;
    const last = out[out.length - 1];
    if (last && last.time === t) last.value = round(total);
    else out.push({ time: t, value: round(total) });
  }
  return out;
}

/** Deepest fall from a running peak of the curve, in R (≤ 0). */
export function maxDrawdown(points: readonly EquityPoint[]): number {
  let peak = 0;
  let worst = 0;
  for (const p of points) {
    peak = Math.max(peak, p.value);
    worst = Math.min(worst, p.value - peak);
  }
  return round(worst);
}

const EXIT_LABELS: Record<string, string> = {
  take_profit: 'Target',
  stop_loss: 'Stop',
  opposite_signal: 'Opposite signal',
  max_hold: 'Max hold',
  manual: 'Manual',
};

export function exitLabel(reason: string | undefined): string {
  return reason ? (EXIT_LABELS[reason] ?? reason) : '—';
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
