import { z } from 'zod';
import { SIGNAL_TIMESTAMP_RE } from '@app/contracts';
import { STREAM_ID_RE } from '@app/redis-streams';

/** The most items one list response may return (the guide's history size). */
export const LIMIT_MAX = 500;

const limit = z
  .string({ error: 'must be given once' })
  .regex(/^\d+$/, `must be a whole number from 1 to ${LIMIT_MAX}`)
  .transform(Number)
  .pipe(z.number().min(1, `must be a whole number from 1 to ${LIMIT_MAX}`).max(LIMIT_MAX, `must be a whole number from 1 to ${LIMIT_MAX}`));

const timeframe = z.string({ error: 'must be given once' }).regex(/^[0-9]{1,4}[a-zA-Z]{1,3}$/, 'must look like 1m, 5m, 1h or 1d');

/** `?timeframe=&limit=` of every list endpoint; unknown parameters are ignored. */
export const ListQuerySchema = z.object({ timeframe: timeframe.optional(), limit: limit.optional() });
export type ListQuery = z.infer<typeof ListQuerySchema>;

/** `{symbol}` path parameter: case-insensitive, served upper-case. */
export const SymbolSchema = z
  .string()
  .regex(/^[A-Za-z0-9]{2,20}$/, 'symbol must be 2-20 letters or digits, e.g. BTCUSDT')
  .transform((s) => s.toUpperCase());

const SignalIdSchema = z.string({ error: 'must be a string' }).regex(STREAM_ID_RE, 'must be a signal id like 1732185045123-0');

/** POST /api/signals/acknowledge: `{"timestamp": ...}` as the guide's C# sends, or `{"id": ...}`. */
export const AckBodySchema = z
  .object(
    {
      id: SignalIdSchema.optional(),
      timestamp: z
        .string({ error: 'must be a string' })
        .regex(SIGNAL_TIMESTAMP_RE, 'must be a signal timestamp like 2024-11-21T10:30:45.123456')
        .optional(),
    },
    { error: 'request body must be a JSON object like {"timestamp": "2024-11-21T10:30:45.123456"}' },
  )
  .refine((b) => b.id !== undefined || b.timestamp !== undefined, {
    message: 'request body needs "timestamp" (the signal\'s timestamp) or "id" (the signal\'s id)',
  });
export type AckBody = z.infer<typeof AckBodySchema>;

/** GET /api/signals/stream: `?symbol=` filter and `?since=` (same as the Last-Event-ID header). */
export const StreamQuerySchema = z.object({
  symbol: SymbolSchema.optional(),
  since: SignalIdSchema.optional(),
});
export type StreamQuery = z.infer<typeof StreamQuerySchema>;

export const LastEventIdSchema = SignalIdSchema.optional();
