import { z } from 'zod';
import { decimalString } from './decimal-string';

/** Futures `<symbol>@aggTrade` payload. `nq` (quantity without RPI orders) is not used. */
export const WsAggTradeEventSchema = z.object({
  e: z.literal('aggTrade'),
  E: z.number().int(),
  s: z.string().regex(/^[A-Z0-9]{2,20}$/),
  a: z.number().int().nonnegative(),
  p: decimalString,
  q: decimalString,
  f: z.number().int().nonnegative(),
  l: z.number().int().nonnegative(),
  T: z.number().int().nonnegative(),
  m: z.boolean(),
});
export type WsAggTradeEvent = z.infer<typeof WsAggTradeEventSchema>;

/** One aggregated trade (all fills of one taker order at one price). */
export interface AggTrade {
  symbol: string;
  /** Aggregate trade id: strictly increasing per symbol. */
  id: number;
  price: number;
  quantity: number;
  /** Trade time, epoch ms. */
  time: number;
  /** True when the buyer was the maker, i.e. the taker sold. */
  buyerIsMaker: boolean;
}

export function aggTradeFromEvent(e: WsAggTradeEvent): AggTrade {
  if (!(e.p > 0)) throw new Error(`aggTrade ${e.s} ${e.a}: price ${e.p} is not positive`);
  return { symbol: e.s, id: e.a, price: e.p, quantity: e.q, time: e.T, buyerIsMaker: e.m };
}
