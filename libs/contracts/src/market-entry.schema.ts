import { z } from 'zod';
import { CandleSchema } from './candle.schema';
import { SignalSchema } from './signal.schema';

/** A closed candle on `market`. */
export const CandleEntrySchema = CandleSchema.extend({ kind: z.literal('candle') });

/**
 * A signal on `market`, appended right after the candle that produced it (one atomic write with
 * its `signals` entry). `signal_id` is its id on `signals`: the id the gateway, ATAS and the
 * position (position_id) know it by.
 */
export const SignalEntrySchema = z.object({
  kind: z.literal('signal'),
  signal_id: z.string().regex(/^\d{1,20}-\d{1,20}$/, 'signal_id must be a stream id'),
  signal: SignalSchema,
});

/**
 * One entry of `market`: the producer's single ordered sequence of facts, a candle or a signal.
 * A reader that follows `market` alone sees every signal exactly between the candle it was made
 * on and the next one, so it needs no second stream to know the order.
 *
 * Candles written before signals joined the stream carry no `kind`: they still read as candles.
 */
export const MarketEntrySchema = z.preprocess(
  (v) => (v !== null && typeof v === 'object' && !('kind' in v) ? { ...v, kind: 'candle' } : v),
  z.discriminatedUnion('kind', [CandleEntrySchema, SignalEntrySchema]),
);
export type CandleEntry = z.infer<typeof CandleEntrySchema>;
export type SignalEntry = z.infer<typeof SignalEntrySchema>;
export type MarketEntry = z.infer<typeof MarketEntrySchema>;
