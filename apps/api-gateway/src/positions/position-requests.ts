import { z } from 'zod';
import { parseTimestampMs } from '@app/contracts';
import { STREAM_ID_RE } from '@app/redis-streams';
import type { Since } from './close-request-log';

const limit = (max: number) =>
  z
    .string({ error: 'must be given once' })
    .regex(/^\d+$/, `must be a whole number from 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().min(1, `must be a whole number from 1 to ${max}`).max(max, `must be a whole number from 1 to ${max}`));

const symbol = z
  .string({ error: 'must be given once' })
  .regex(/^[A-Za-z0-9]{2,20}$/, 'symbol must be 2-20 letters or digits, e.g. BTCUSDT')
  .transform((s) => s.toUpperCase());

/** `{id}` of a position: the id of the signal that opened it. */
export const PositionIdSchema = z.string().regex(STREAM_ID_RE, 'position id must be a signal id like 1732185045123-0');

export const OpenQuerySchema = z.object({ symbol: symbol.optional() });
export type OpenQuery = z.infer<typeof OpenQuerySchema>;

export const HISTORY_DEFAULT = 100;
export const HistoryQuerySchema = z.object({ symbol: symbol.optional(), limit: limit(1000).optional() });
export type HistoryQuery = z.infer<typeof HistoryQuerySchema>;

const SINCE_HELP = 'must be a close-request id like 1732185045123-0 or an ISO time like 2024-11-21T10:30:45Z';

/** `since`: a close-request id (exclusive) or an ISO time (UTC when it has no offset). */
const since = z
  .string({ error: 'must be given once' })
  .transform((v, ctx): Since => {
    if (STREAM_ID_RE.test(v)) return { id: v };
    const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+)?([zZ]|[+-]\d{2}:?\d{2})?$/.test(v) ? parseTimestampMs(v) : NaN;
    if (Number.isFinite(ms)) return { timeMs: ms };
    ctx.addIssue({ code: 'custom', message: SINCE_HELP });
    return z.NEVER;
  });

export const CLOSE_REQUESTS_DEFAULT = 500;
export const CloseRequestsQuerySchema = z.object({ since: since.optional(), symbol: symbol.optional(), limit: limit(1000).optional() });
export type CloseRequestsQuery = z.infer<typeof CloseRequestsQuerySchema>;
