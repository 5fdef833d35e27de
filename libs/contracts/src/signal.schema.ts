import { z } from 'zod';
import { SignalSourceSchema, type SignalSource } from './signal-source';
import { metadataBoundsProblem } from './metadata-bounds';
import { SIGNAL_TIMESTAMP_RE } from './timestamp';

export const DirectionSchema = z.enum(['BUY', 'SELL']);
export type Direction = z.infer<typeof DirectionSchema>;

const finitePositive = z.number().finite().positive();

/** One strategy's opinion on a closed candle, carried in `metadata.votes`. */
export const VoteSchema = z.object({
  strategy: z.string().min(1),
  direction: z.enum(['BUY', 'SELL', 'NONE']),
  confidence: z.number().min(0).max(100),
  reason: z.string(),
  /**
   * The weight the vote was fused with under the adaptive consensus (its strategy's recent net
   * performance on the symbol; the weights of a symbol's strategies average 1). Absent with the
   * fixed consensus, where every vote weighs 1.
   */
  weight: z.number().finite().nonnegative().max(1000).optional(),
});
export type Vote = z.infer<typeof VoteSchema>;

/**
 * `metadata` keeps the guide's three fields and allows more (votes, candle_time, ...):
 * C# clients ignore fields they do not model, so additions are safe, removals are not.
 * Bounded (metadata-bounds.ts): at most 8 levels deep, 200 keys and array items, 16 KB as JSON.
 * Beyond that an entry is malformed, so every reader counts and skips it alone.
 */
export const SignalMetadataSchema = z
  .object({
    consensus_confidence: z.number().min(0).max(100),
    strategies_agree: z.number().int().min(0),
    risk_reward_ratio: z.number().finite().nonnegative(),
    votes: z.array(VoteSchema).optional(),
    candle_time: z.string().optional(),
    /**
     * Provenance (see signal-source.ts). Optional when read, so entries from before it existed
     * still decode (and count as `unknown`, never live); every producer here sets it, which
     * `ProducedSignalSchema` enforces at publish time. A value outside the enum is refused.
     */
    source: SignalSourceSchema.optional(),
  })
  .catchall(z.unknown())
  .superRefine((metadata, ctx) => {
    const problem = metadataBoundsProblem(metadata);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * A trade signal, field for field the guide's JSON. Never rename or drop a field here: C# code
 * written against the guide deserialises these names.
 */
export const SignalSchema = z
  .object({
    timestamp: z.string().regex(SIGNAL_TIMESTAMP_RE, 'timestamp must look like 2024-11-21T10:30:45.123456 (UTC)'),
    symbol: z.string().regex(/^[A-Z0-9]{2,20}$/, 'symbol must be 2-20 upper-case letters or digits'),
    direction: DirectionSchema,
    entry_price: finitePositive,
    stop_loss: finitePositive,
    take_profit: finitePositive,
    // The guide's C# model declares `int Leverage`: a fractional value would break it.
    leverage: z.number().int().min(1).max(125),
    signal_strength: z.number().min(0).max(100),
    timeframe: z.string().min(1).max(8),
    strategy_name: z.string().min(1).max(100),
    metadata: SignalMetadataSchema,
  })
  .superRefine((s, ctx) => {
    const slOk = s.direction === 'BUY' ? s.stop_loss < s.entry_price : s.stop_loss > s.entry_price;
    const tpOk = s.direction === 'BUY' ? s.take_profit > s.entry_price : s.take_profit < s.entry_price;
    if (!slOk) ctx.addIssue({ code: 'custom', path: ['stop_loss'], message: `stop_loss is on the wrong side of entry for ${s.direction}` });
    if (!tpOk) ctx.addIssue({ code: 'custom', path: ['take_profit'], message: `take_profit is on the wrong side of entry for ${s.direction}` });
  });

/** A signal as produced, before it has a stream id. */
export type NewSignal = z.infer<typeof SignalSchema>;

/**
 * What a producer publishes: a signal that says where it came from. Publishers validate with
 * this schema, so a new producer that forgets `metadata.source` fails in its first test rather
 * than sending signals an ATAS client would have to guess about.
 */
export const ProducedSignalSchema = SignalSchema.superRefine((s, ctx) => {
  if (s.metadata.source === undefined) {
    ctx.addIssue({ code: 'custom', path: ['metadata', 'source'], message: 'metadata.source is required: live, replay, backtest or demo' });
  }
});
export type ProducedSignal = NewSignal & { metadata: NewSignal['metadata'] & { source: SignalSource } };
/** A signal as read back from the stream: `id` is its stream entry id. */
export type Signal = NewSignal & { id: string };
