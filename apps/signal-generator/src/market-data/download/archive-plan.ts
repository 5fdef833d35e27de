/** Where data.binance.vision keeps each market's klines, under `<base>/data/`. */
export const MARKET_PATHS = { 'futures-um': 'futures/um', spot: 'spot' } as const;
export type Market = keyof typeof MARKET_PATHS;

/** One kline archive on data.binance.vision: a zip holding one CSV, with a `.CHECKSUM` beside it. */
export interface ArchiveRef {
  market: Market;
  symbol: string;
  interval: string;
  /**
   * `monthly` for whole months; `daily` for the days of the current month, whose monthly file is
   * only published after the month ends.
   */
  cadence: 'monthly' | 'daily';
  /** `YYYY-MM` (monthly) or `YYYY-MM-DD` (daily), as in the file name. */
  period: string;
}

export interface ArchiveRequest {
  symbols: readonly string[];
  market: Market;
  interval: string;
  /** First month, `YYYY-MM`. */
  from: string;
  /** Last month, `YYYY-MM`, inclusive. */
  to: string;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `2025-01` → a month index (year * 12 + month - 1); throws naming the bad value. */
export function monthIndex(month: string, what = 'month'): number {
  const m = MONTH_RE.exec(month);
  if (!m) throw new Error(`${what} '${month}' is not a month like 2025-01`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

function monthName(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Every month from `from` to `to`, both included. */
export function monthRange(from: string, to: string): string[] {
  const a = monthIndex(from, '--from');
  const b = monthIndex(to, '--to');
  if (a > b) throw new Error(`--from ${from} is after --to ${to}`);
  return Array.from({ length: b - a + 1 }, (_, i) => monthName(a + i));
}

/** The UTC days of `month` before `today` (today's file is published tomorrow). */
export function daysBefore(month: string, today: Date): string[] {
  const days: string[] = [];
  for (let d = 1; d < today.getUTCDate(); d++) days.push(`${month}-${String(d).padStart(2, '0')}`);
  return days;
}

/**
 * Every archive a request needs, symbol by symbol in time order: a monthly file for each past
 * month and a daily file for each finished day of the current (UTC) month. A month after the
 * current one is refused rather than silently fetched as nothing.
 */
export function planArchives(req: ArchiveRequest, today: Date): ArchiveRef[] {
  const months = monthRange(req.from, req.to);
  const current = monthName(today.getUTCFullYear() * 12 + today.getUTCMonth());
  if (monthIndex(req.to) > monthIndex(current)) throw new Error(`--to ${req.to} is after the current month (${current})`);
  const plan: ArchiveRef[] = [];
  for (const symbol of req.symbols) {
    for (const month of months) {
      const base = { market: req.market, symbol, interval: req.interval };
      if (month !== current) plan.push({ ...base, cadence: 'monthly', period: month });
      else for (const day of daysBefore(month, today)) plan.push({ ...base, cadence: 'daily', period: day });
    }
  }
  return plan;
}

/** `BTCUSDT-1m-2025-01`: the archive's file name without `.zip`, also the CSV's. */
export function archiveName(ref: ArchiveRef): string {
  return `${ref.symbol}-${ref.interval}-${ref.period}`;
}

/** `futures/um/monthly/klines/BTCUSDT/1m/BTCUSDT-1m-2025-01.zip`, relative to `<base>/data/`. */
export function archivePath(ref: ArchiveRef): string {
  return `${MARKET_PATHS[ref.market]}/${ref.cadence}/klines/${ref.symbol}/${ref.interval}/${archiveName(ref)}.zip`;
}

/** The archive's URL under a data.binance.vision base (no trailing slash). */
export function archiveUrl(baseUrl: string, ref: ArchiveRef): string {
  return `${baseUrl}/data/${archivePath(ref)}`;
}
