/** Display formatting: pure, so the feed and tables read the same everywhere (and are testable). */

/** Price with precision that suits its size: 64012.5 → "64,012.50", 0.012345 → "0.012345". */
export function formatPrice(p: number): string {
  const abs = Math.abs(p);
  const digits = abs >= 1000 ? 2 : abs >= 1 ? 4 : 6;
  return p.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Signed R: 1.234 → "+1.23R", -0.5 → "−0.50R". */
export function formatR(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return '—';
  return `${r > 0 ? '+' : r < 0 ? '−' : ''}${Math.abs(r).toFixed(2)}R`;
}

/** A vote's weight under the adaptive consensus: 1.274 → "×1.27"; empty when the consensus is fixed (no weight). */
export function formatWeight(weight: number | undefined): string {
  return weight === undefined || !Number.isFinite(weight) ? '' : `×${weight.toFixed(2)}`;
}

export function formatPct(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return `${x.toFixed(digits)}%`;
}

/** "HH:MM:SS" in UTC: traders compare with exchange times, which are UTC. */
export function formatTime(iso: string | number): string {
  const d = new Date(typeof iso === 'number' ? iso : normaliseIso(iso));
  return Number.isNaN(d.getTime()) ? '—' : d.toISOString().slice(11, 19);
}

/** How long ago, short: "4s", "12m", "3h", "2d". */
export function formatAgo(iso: string | number, nowMs: number): string {
  const t = typeof iso === 'number' ? iso : Date.parse(normaliseIso(iso));
  if (!Number.isFinite(t)) return '—';
  const s = Math.max(0, Math.round((nowMs - t) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** Signal timestamps are UTC without a zone (`2024-11-21T10:30:45.123456`): read them as UTC. */
export function normaliseIso(iso: string): string {
  return /[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`;
}

/** Milliseconds as "12 ms" / "1.4 s"; null as "—". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
