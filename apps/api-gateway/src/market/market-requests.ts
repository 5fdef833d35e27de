import { z } from 'zod';
import { SymbolSchema } from '../signals/signal-requests';

/** The most candles one response may return (and the most the gateway keeps per symbol). */
export const CANDLES_LIMIT_MAX = 1000;
export const CANDLES_LIMIT_DEFAULT = 300;

const limitMessage = `must be a whole number from 1 to ${CANDLES_LIMIT_MAX}`;

/** `GET /api/market/candles?symbol=&limit=`: symbol required (case-insensitive). */
export const CandlesQuerySchema = z.object({
  symbol: z.string({ error: 'is required, e.g. ?symbol=BTCUSDT' }).pipe(SymbolSchema),
  limit: z
    .string({ error: 'must be given once' })
    .regex(/^\d+$/, limitMessage)
    .transform(Number)
    .pipe(z.number().min(1, limitMessage).max(CANDLES_LIMIT_MAX, limitMessage))
    .optional(),
});
export type CandlesQuery = z.infer<typeof CandlesQuerySchema>;
