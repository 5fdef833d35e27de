import { z } from 'zod';
import { CandleSchema, type Candle } from '@app/contracts';
import { decimalString } from './decimal-string';

/**
 * The `k` object of a futures kline event. `f`, `L` (trade ids) and `B` (ignore) are not used.
 * `n`, `q`, `V`, `Q` are always sent by Binance; they are optional in the Candle contract, so a
 * source without them (a mirror, recorded OHLCV history) still yields candles, just without them.
 */
export const WsKlineSchema = z.object({
  t: z.number().int().nonnegative(),
  T: z.number().int().nonnegative(),
  s: z.string(),
  i: z.string(),
  o: decimalString,
  c: decimalString,
  h: decimalString,
  l: decimalString,
  v: decimalString,
  n: z.number().int().nonnegative().optional(),
  x: z.boolean(),
  q: decimalString.optional(),
  V: decimalString.optional(),
  Q: decimalString.optional(),
});

export const WsKlineEventSchema = z.object({
  e: z.literal('kline'),
  E: z.number().int(),
  s: z.string(),
  k: WsKlineSchema,
});
export type WsKlineEvent = z.infer<typeof WsKlineEventSchema>;

/**
 * One row of `GET /fapi/v1/klines`: `[openTime, open, high, low, close, volume, closeTime,
 * quoteVolume, trades, takerBuyBase, takerBuyQuote, ignore]`. Binance sends all twelve; the
 * volume breakdown is optional here for the same reason as in the WS payload.
 */
export const RestKlineRowSchema = z.tuple(
  [
    z.number().int().nonnegative(),
    decimalString,
    decimalString,
    decimalString,
    decimalString,
    decimalString,
    z.number().int().nonnegative(),
    decimalString.optional(),
    z.number().int().nonnegative().optional(),
    decimalString.optional(),
    decimalString.optional(),
  ],
  z.unknown(),
);
export const RestKlinesSchema = z.array(RestKlineRowSchema);

export interface KlineContext {
  /** Interval name the stream was opened for, e.g. `1m`. */
  interval: string;
  intervalMs: number;
}

interface KlineFields {
  symbol: string;
  openTime: number;
  closeTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quoteVolume?: number;
  trades?: number;
  takerBuyVolume?: number;
}

/** WS kline event → Candle (whether closed or not); throws an Error naming what is wrong. */
export function candleFromKlineEvent(event: WsKlineEvent, ctx: KlineContext): Candle {
  const k = event.k;
  if (k.s !== event.s) throw new Error(`kline symbol ${k.s} differs from event symbol ${event.s}`);
  if (k.i !== ctx.interval) throw new Error(`kline interval ${k.i}, subscribed to ${ctx.interval}`);
  return toCandle(
    {
      symbol: k.s, openTime: k.t, closeTime: k.T,
      open: k.o, high: k.h, low: k.l, close: k.c, volume: k.v,
      quoteVolume: k.q, trades: k.n, takerBuyVolume: k.V,
    },
    ctx,
  );
}

/** One REST kline row → Candle; throws an Error naming what is wrong. */
export function candleFromRestRow(row: z.infer<typeof RestKlineRowSchema>, symbol: string, ctx: KlineContext): Candle {
  const [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, takerBuyVolume] = row;
  return toCandle(
    { symbol, openTime, closeTime, open, high, low, close, volume, quoteVolume, trades, takerBuyVolume },
    ctx,
  );
}

function toCandle(f: KlineFields, ctx: KlineContext): Candle {
  if (f.closeTime !== f.openTime + ctx.intervalMs - 1) {
    throw new Error(`kline ${f.symbol} ${f.openTime}: close time ${f.closeTime} is not open time + ${ctx.intervalMs} - 1`);
  }
  if (f.high < Math.max(f.open, f.close, f.low) || f.low > Math.min(f.open, f.close)) {
    throw new Error(`kline ${f.symbol} ${f.openTime}: high/low ${f.high}/${f.low} do not bound open/close ${f.open}/${f.close}`);
  }
  const candle: Candle = {
    symbol: f.symbol,
    timeframe: ctx.interval,
    open_time: f.openTime,
    close_time: f.closeTime,
    open: f.open,
    high: f.high,
    low: f.low,
    close: f.close,
    volume: f.volume,
  };
  if (f.quoteVolume !== undefined) candle.quote_volume = f.quoteVolume;
  if (f.trades !== undefined) candle.trades = f.trades;
  if (f.takerBuyVolume !== undefined) candle.taker_buy_volume = f.takerBuyVolume;
  const checked = CandleSchema.safeParse(candle);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new Error(`kline ${f.symbol} ${f.openTime}: ${issue.path.join('.')} ${issue.message}`);
  }
  return checked.data;
}
