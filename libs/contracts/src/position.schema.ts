import { z } from 'zod';
import { SignalSourceSchema } from './signal-source';
import { DirectionSchema } from './signal.schema';

export const CloseReasonSchema = z.enum(['take_profit', 'stop_loss', 'opposite_signal', 'max_hold', 'manual']);
export type CloseReason = z.infer<typeof CloseReasonSchema>;

/** Close reasons the exchange-side SL/TP orders do not cover: ATAS must act on these itself. */
export const EARLY_EXIT_REASONS: readonly CloseReason[] = ['opposite_signal', 'max_hold', 'manual'];

const PositionBase = z.object({
  /** The position id is the id of the signal that opened it. */
  position_id: z.string().min(1),
  signal_id: z.string().min(1),
  signal_timestamp: z.string(),
  symbol: z.string(),
  direction: DirectionSchema,
  timeframe: z.string(),
  strategy_name: z.string(),
  entry_price: z.number().positive(),
  stop_loss: z.number().positive(),
  take_profit: z.number().positive(),
  leverage: z.number().positive(),
  quantity: z.number().positive(),
  opened_at: z.string(),
  /** Fused-signal strategies that agreed, for performance by strategy. */
  strategies: z.array(z.string()).default([]),
  /**
   * Market time (epoch ms, the signal candle's open time) the position starts from: only candles
   * that open after it can touch its stop or target.
   */
  market_time_ms: z.number().int().nonnegative().optional(),
  /** The symbol's price tick from the signal (`metadata.tick_size`): prices slippage in ticks. */
  tick_size: z.number().positive().optional(),
  /**
   * The opening signal's `metadata.source`: a position opened on a replayed or demo signal is
   * not a live result. Absent on positions from signals without one, which count as not live.
   */
  source: SignalSourceSchema.optional(),
});

export const PositionOpenedEventSchema = PositionBase.extend({ type: z.literal('opened') });

export const PositionClosedEventSchema = PositionBase.extend({
  type: z.literal('closed'),
  reason: CloseReasonSchema,
  exit_price: z.number().positive(),
  closed_at: z.string(),
  /** Price move in percent of entry, signed so that a profit is positive. */
  pnl_pct: z.number(),
  /** pnl_pct × leverage. */
  pnl_leveraged_pct: z.number(),
  /** Profit in units of the initial risk |entry − stop|. */
  r_multiple: z.number(),
  hold_seconds: z.number().nonnegative(),
  // After costs (fees and slippage, see libs/trading costs.ts); absent on events closed before
  // costs were recorded.
  /** R after fees and slippage, in units of the same planned risk |entry − stop|. */
  net_r_multiple: z.number().optional(),
  /** pnl_pct after fees and slippage. */
  net_pnl_pct: z.number().optional(),
  /** Entry and exit fees for `quantity`, in quote currency. */
  fees_quote: z.number().nonnegative().optional(),
  /** Price lost to slippage on entry and exit for `quantity`, in quote currency. */
  slippage_quote: z.number().nonnegative().optional(),
});

export const PositionEventSchema = z.discriminatedUnion('type', [PositionOpenedEventSchema, PositionClosedEventSchema]);
export type PositionOpenedEvent = z.infer<typeof PositionOpenedEventSchema>;
export type PositionClosedEvent = z.infer<typeof PositionClosedEventSchema>;
export type PositionEvent = z.infer<typeof PositionEventSchema>;

/** An instruction for ATAS to flatten a position its own SL/TP orders would not close. */
export const CloseRequestSchema = z.object({
  position_id: z.string(),
  signal_id: z.string(),
  signal_timestamp: z.string(),
  symbol: z.string(),
  direction: DirectionSchema,
  reason: CloseReasonSchema,
  requested_at: z.string(),
});
export type CloseRequest = z.infer<typeof CloseRequestSchema>;

/** Job on the manual-close queue (gateway → position-closer). */
export const ManualCloseJobSchema = z.object({
  request_id: z.string().min(1),
  position_id: z.string().min(1),
  requested_at: z.string(),
});
export type ManualCloseJob = z.infer<typeof ManualCloseJobSchema>;

/** An acknowledgement, as published on the `signal-acks` stream. */
export const AckEventSchema = z.object({
  signal_id: z.string(),
  signal_timestamp: z.string(),
  symbol: z.string(),
  acknowledged_at: z.string(),
});
export type AckEvent = z.infer<typeof AckEventSchema>;
