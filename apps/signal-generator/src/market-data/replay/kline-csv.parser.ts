import type { Candle } from '@app/contracts';

/**
 * Column positions of one kline CSV layout. The two layouts we read:
 * - 6 columns `open_time_ms,open,high,low,close,volume` (the shared market-data files);
 * - data.binance.vision klines: `open_time,open,high,low,close,volume,close_time,quote_volume,
 *   count,taker_buy_volume,taker_buy_quote_volume[,ignore]`, with or without its header.
 */
export interface KlineColumns {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  closeTime?: number;
  quoteVolume?: number;
  trades?: number;
  takerBuyVolume?: number;
}

const BINANCE_COLUMNS: KlineColumns = {
  openTime: 0, open: 1, high: 2, low: 3, close: 4, volume: 5,
  closeTime: 6, quoteVolume: 7, trades: 8, takerBuyVolume: 9,
};

const HEADER_ALIASES: Record<keyof KlineColumns, readonly string[]> = {
  openTime: ['open_time_ms', 'open_time', 'timestamp', 'time'],
  open: ['open'],
  high: ['high'],
  low: ['low'],
  close: ['close'],
  volume: ['volume'],
  closeTime: ['close_time_ms', 'close_time'],
  quoteVolume: ['quote_volume', 'quote_asset_volume'],
  trades: ['count', 'trades', 'number_of_trades'],
  takerBuyVolume: ['taker_buy_volume', 'taker_buy_base_asset_volume'],
};

/** True when the line is a header (its first field is not a number). */
export function isHeader(line: string): boolean {
  const first = line.split(',', 1)[0].trim();
  return first !== '' && Number.isNaN(Number(first));
}

/** Maps a header line to column positions; throws naming the missing column. */
export function columnsFromHeader(header: string): KlineColumns {
  const names = header.split(',').map((h) => h.trim().toLowerCase());
  const find = (key: keyof KlineColumns): number | undefined => {
    const i = names.findIndex((n) => HEADER_ALIASES[key].includes(n));
    return i === -1 ? undefined : i;
  };
  const required = ['openTime', 'open', 'high', 'low', 'close', 'volume'] as const;
  const cols: Partial<KlineColumns> = {};
  for (const key of required) {
    const i = find(key);
    if (i === undefined) throw new Error(`header has no '${HEADER_ALIASES[key][0]}' column (got: ${names.join(',')})`);
    cols[key] = i;
  }
  for (const key of ['closeTime', 'quoteVolume', 'trades', 'takerBuyVolume'] as const) cols[key] = find(key);
  return cols as KlineColumns;
}

/** Layout of a header-less file, from its column count. */
export function columnsFromWidth(width: number): KlineColumns {
  if (width === 6) return { openTime: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 };
  if (width === 11 || width === 12) return BINANCE_COLUMNS;
  throw new Error(`expected 6 columns (open_time_ms,open,high,low,close,volume) or 11-12 (Binance klines), got ${width}`);
}

/**
 * data.binance.vision switched spot files to microsecond timestamps in 2025; anything above
 * 1e14 (year 5138 in ms) is taken as µs.
 */
export function epochMs(t: number): number {
  return t > 1e14 ? Math.floor(t / 1000) : t;
}

export interface ParseContext {
  symbol: string;
  timeframe: string;
  timeframeMs: number;
}

/**
 * One CSV line → a closed candle. Throws an Error whose message names the problem (the caller
 * adds file and line). Checks what a replay must trust: numbers are finite, prices positive,
 * low ≤ open/close ≤ high, volumes non-negative.
 */
export function parseKlineRow(line: string, cols: KlineColumns, ctx: ParseContext): Candle {
  const f = line.split(',');
  const num = (i: number | undefined, name: string): number | undefined => {
    if (i === undefined) return undefined;
    const raw = f[i];
    if (raw === undefined) throw new Error(`missing column '${name}' (row has ${f.length} columns)`);
    const v = Number(raw.trim());
    if (raw.trim() === '' || !Number.isFinite(v)) throw new Error(`${name} '${raw}' is not a number`);
    return v;
  };
  const req = (i: number, name: string): number => num(i, name) as number;
  const openTime = epochMs(req(cols.openTime, 'open_time'));
  const open = req(cols.open, 'open');
  const high = req(cols.high, 'high');
  const low = req(cols.low, 'low');
  const close = req(cols.close, 'close');
  const volume = req(cols.volume, 'volume');
  const closeTimeRaw = num(cols.closeTime, 'close_time');
  const quoteVolume = num(cols.quoteVolume, 'quote_volume');
  const trades = num(cols.trades, 'count');
  const takerBuyVolume = num(cols.takerBuyVolume, 'taker_buy_volume');

  if (!Number.isInteger(openTime) || openTime < 0) throw new Error(`open_time ${openTime} is not an epoch timestamp`);
  if (open <= 0 || high <= 0 || low <= 0 || close <= 0) throw new Error('prices must be positive');
  if (low > high) throw new Error(`low ${low} is above high ${high}`);
  if (open < low || open > high || close < low || close > high) throw new Error('open and close must lie between low and high');
  if (volume < 0) throw new Error(`volume ${volume} is negative`);
  if (trades !== undefined && (!Number.isInteger(trades) || trades < 0)) throw new Error(`count ${trades} is not a trade count`);
  if (takerBuyVolume !== undefined && (takerBuyVolume < 0 || takerBuyVolume > volume * (1 + 1e-9))) {
    throw new Error(`taker_buy_volume ${takerBuyVolume} is outside 0..volume`);
  }

  const candle: Candle = {
    symbol: ctx.symbol,
    timeframe: ctx.timeframe,
    open_time: openTime,
    close_time: closeTimeRaw === undefined ? openTime + ctx.timeframeMs - 1 : epochMs(closeTimeRaw),
    open, high, low, close, volume,
  };
  if (quoteVolume !== undefined) candle.quote_volume = quoteVolume;
  if (trades !== undefined) candle.trades = trades;
  if (takerBuyVolume !== undefined) candle.taker_buy_volume = takerBuyVolume;
  return candle;
}
