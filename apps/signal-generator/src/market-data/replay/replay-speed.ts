/** Replay pace: `max` (no waiting) or a multiple of real time (x1: a 1m candle every 60 s). */
export type ReplaySpeed = number | 'max';

/** `x60`, `60`, `max` → 60, 60, 'max'. Throws naming the bad value. */
export function parseReplaySpeed(raw: string): ReplaySpeed {
  const s = raw.trim().toLowerCase();
  if (s === 'max') return 'max';
  const n = Number(s.startsWith('x') ? s.slice(1) : s);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`'${raw}' is not a replay speed (use x1, x60, ... or max)`);
  return n;
}
