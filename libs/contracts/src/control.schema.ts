import { z } from 'zod';

/**
 * The kill switch. `paused`: no signal is served as active, so no client enters a trade.
 * `flatten`: paused, and the executing platform (ATAS) also closes what it holds, keeping its
 * stop until it is flat. Only `enabled` lets signals through again.
 */
export const TRADING_STATES = ['enabled', 'paused', 'flatten'] as const;
export type TradingState = (typeof TRADING_STATES)[number];

export const ControlStateSchema = z.object({
  trading: z.enum(TRADING_STATES),
  /** ISO time of the change (the writer's clock). */
  since: z.string().min(1),
  /** Who changed it: the request's `by` field or the client address. */
  by: z.string().min(1).max(200),
});
export type ControlState = z.infer<typeof ControlStateSchema>;

/** One change on the `control` stream: the new state and the one it replaced. */
export const ControlEventSchema = ControlStateSchema.extend({ previous: z.enum(TRADING_STATES) });
export type ControlEvent = z.infer<typeof ControlEventSchema>;

/** Before anyone ever touched the switch: trading runs, as it did before the switch existed. */
export const DEFAULT_CONTROL_STATE: ControlState = { trading: 'enabled', since: new Date(0).toISOString(), by: 'default' };
