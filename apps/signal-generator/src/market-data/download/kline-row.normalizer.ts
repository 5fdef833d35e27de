import { epochMs, isHeader } from '../replay/kline-csv.parser';

/**
 * The header every downloaded CSV gets: the replay's 11-column Binance layout (as in
 * data/README.md), timestamps named for their unit, Binance's always-zero `ignore` column dropped.
 */
export const KLINE_CSV_HEADER = 'open_time_ms,open,high,low,close,volume,close_time_ms,quote_volume,count,taker_buy_volume,taker_buy_quote_volume';

const INTEGER_RE = /^\d+$/;

function toMsField(raw: string, name: string): string {
  const v = raw.trim();
  if (!INTEGER_RE.test(v)) throw new Error(`${name} '${raw}' is not an epoch timestamp`);
  return String(epochMs(Number(v)));
}

/**
 * One line of a data.binance.vision kline CSV → the row we write, or undefined for a blank line or
 * the header (futures archives have one, spot archives do not). Spot archives from 2025 on carry
 * microsecond timestamps; every row leaves here in milliseconds, so the files read alike whatever
 * the market or year.
 */
export function normalizeKlineLine(line: string): string | undefined {
  const t = line.trim();
  if (t === '' || isHeader(t)) return undefined;
  const f = t.split(',');
  if (f.length < 11) throw new Error(`expected the 12 kline columns, got ${f.length}`);
  f[0] = toMsField(f[0], 'open_time');
  f[6] = toMsField(f[6], 'close_time');
  return f.slice(0, 11).join(',');
}
