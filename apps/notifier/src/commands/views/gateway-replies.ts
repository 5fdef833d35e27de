import { z } from 'zod';
import { PositionOpenedEventSchema, SignalSchema } from '@app/contracts';

/*
 * The parts of the gateway's answers the commands show. Lenient on purpose: an item that does not
 * parse is left out of the list (and counted in the view), never a reason to answer nothing.
 */

export const StatsReply = z.object({
  signals: z.object({ active: z.number(), history: z.number(), last_signal_age_seconds: z.number().nullable() }).passthrough(),
  sse_clients: z.number(),
  uptime_seconds: z.number(),
});
export type StatsReply = z.infer<typeof StatsReply>;

export const ServedSignal = SignalSchema.and(z.object({ id: z.string() }));
export type ServedSignal = z.infer<typeof ServedSignal>;

export const OpenPosition = PositionOpenedEventSchema.omit({ type: true });
export type OpenPosition = z.infer<typeof OpenPosition>;

export const SymbolPrice = z.object({ symbol: z.string(), close: z.number(), close_time: z.number() });
export type SymbolPrice = z.infer<typeof SymbolPrice>;

const Stats = z.object({
  trades: z.number(),
  win_rate: z.number(),
  net_win_rate: z.number(),
  net_average_r: z.number(),
  net_total_r: z.number(),
  total_r: z.number(),
  net_profit_factor: z.number().nullable(),
  pnl_after_costs: z.number(),
});
export type PerformanceStats = z.infer<typeof Stats>;

export const PerformanceReply = z.object({
  overall: Stats,
  by_strategy: z.record(z.string(), Stats),
  by_symbol: z.record(z.string(), Stats),
  open_positions: z.number(),
});
export type PerformanceReply = z.infer<typeof PerformanceReply>;

/** The items of `list` that parse, and how many did not. */
export function parseItems<T>(schema: z.ZodType<T>, list: unknown): { items: T[]; skipped: number } {
  const items: T[] = [];
  let skipped = 0;
  for (const raw of Array.isArray(list) ? list : []) {
    const r = schema.safeParse(raw);
    if (r.success) items.push(r.data);
    else skipped++;
  }
  return { items, skipped };
}
