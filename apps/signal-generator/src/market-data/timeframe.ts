const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

const cache = new Map<string, number>();

/** `1m` → 60000. Binance interval names (s, m, h, d, w); throws on anything else. */
export function timeframeMs(timeframe: string): number {
  const hit = cache.get(timeframe);
  if (hit !== undefined) return hit;
  const m = /^(\d+)([smhdw])$/.exec(timeframe);
  if (!m || Number(m[1]) <= 0) throw new Error(`timeframe '${timeframe}' is not like 1m, 5m, 1h or 1d`);
  const ms = Number(m[1]) * UNIT_MS[m[2]];
  cache.set(timeframe, ms);
  return ms;
}
