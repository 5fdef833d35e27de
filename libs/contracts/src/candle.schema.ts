import { z } from 'zod';

/** A closed candle as written to the `market` stream. Times are epoch milliseconds (UTC). */
export const CandleSchema = z.object({
  symbol: z.string().regex(/^[A-Z0-9]{2,20}$/),
  timeframe: z.string().min(1),
  open_time: z.number().int().nonnegative(),
  close_time: z.number().int().nonnegative(),
  open: z.number().finite().positive(),
  high: z.number().finite().positive(),
  low: z.number().finite().positive(),
  close: z.number().finite().positive(),
  volume: z.number().finite().nonnegative(),
  quote_volume: z.number().finite().nonnegative().optional(),
  trades: z.number().int().nonnegative().optional(),
  taker_buy_volume: z.number().finite().nonnegative().optional(),
});
export type Candle = z.infer<typeof CandleSchema>;
