import { timeframeMs } from '../market-data/timeframe';

/** A number flag at least `min`, or a message naming it. */
export function numberFlag(name: string, raw: string | undefined, fallback: number, min = 0): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < min) throw new Error(`--${name}: '${raw}' is not a number >= ${min}`);
  return v;
}

/** A whole-number flag at least `min`, or a message naming it. */
export function integerFlag(name: string, raw: string | undefined, fallback: number, min = 0): number {
  const v = numberFlag(name, raw, fallback, min);
  if (!Number.isInteger(v)) throw new Error(`--${name}: '${raw}' is not a whole number >= ${min}`);
  return v;
}

/** A duration flag like `14d`, `12h` or `90m`, in milliseconds. */
export function durationFlag(name: string, raw: string | undefined, fallback: string): number {
  try {
    return timeframeMs(raw ?? fallback);
  } catch {
    throw new Error(`--${name}: '${raw}' is not a duration like 14d, 12h or 90m`);
  }
}
