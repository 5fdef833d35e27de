/** `3500` → `3500`, `3482.50` → `3482.5`, `0.00001234` → `0.00001234`: prices as a trader types them. */
export function formatPrice(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const s = n.toFixed(8).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

/** Signed percentage with two decimals: `+1.20%`, `-0.50%`. */
export function formatPct(n: number): string {
  return `${n >= 0 ? '+' : '-'}${Math.abs(n).toFixed(2)}%`;
}

/** Percent distance of `price` from `entry`, signed. */
export function pctFrom(entry: number, price: number): number {
  return ((price - entry) / entry) * 100;
}

/** `+2.40R` */
export function formatR(r: number): string {
  return `${r >= 0 ? '+' : '-'}${Math.abs(r).toFixed(2)}R`;
}

/** Two decimals at most, trailing zeros dropped: `2.4`, `85.5`, `75`. */
export function formatShort(n: number): string {
  return Number.isFinite(n) ? String(Math.round(n * 100) / 100) : String(n);
}

/** `45s`, `12m 30s`, `3h 5m`, `2d 4h`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}
