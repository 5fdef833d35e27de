import { decodeEntry, MalformedEntryError, METADATA_LIMITS, metadataBoundsProblem, SignalSchema } from '@app/contracts';

const guideSignal = {
  timestamp: '2024-11-21T10:30:45.123456',
  symbol: 'ETHUSDT',
  direction: 'BUY',
  entry_price: 3500.0,
  stop_loss: 3482.5,
  take_profit: 3542.0,
  leverage: 20,
  signal_strength: 85.5,
  timeframe: '1m',
  strategy_name: 'HighFrequencyScalping',
  metadata: { consensus_confidence: 75.0, strategies_agree: 4, risk_reward_ratio: 2.4 } as Record<string, unknown>,
};
const withMeta = (extra: Record<string, unknown>) => ({ ...guideSignal, metadata: { ...guideSignal.metadata, ...extra } });

/** `{a: {a: ... 1}}` with `levels` objects, built as JSON text so even 20,000 levels need no recursion. */
const nested = (levels: number): unknown => JSON.parse('{"a":'.repeat(levels) + '1' + '}'.repeat(levels));

describe('metadata bounds', () => {
  it('states its limits: 8 levels, 200 keys and array items, 16 KB', () => {
    expect(METADATA_LIMITS).toEqual({ maxDepth: 8, maxKeys: 200, maxBytes: 16 * 1024 });
  });

  it('accepts metadata exactly at each limit and refuses one step beyond it, naming the bound', () => {
    // metadata is level 1, so `extra` may hold 7 more levels.
    expect(SignalSchema.safeParse(withMeta({ extra: nested(7) })).success).toBe(true);
    const deep = SignalSchema.safeParse(withMeta({ extra: nested(8) }));
    expect(deep.success).toBe(false);
    expect(deep.error?.issues[0].message).toBe('nested deeper than 8 levels');

    // 3 guide keys + `extra` + its items.
    expect(SignalSchema.safeParse(withMeta({ extra: Array(196).fill(0) })).success).toBe(true);
    expect(SignalSchema.safeParse(withMeta({ extra: Array(197).fill(0) })).error?.issues[0].message).toBe('more than 200 keys and array items');

    const room = 16 * 1024 - JSON.stringify(withMeta({ extra: '' }).metadata).length;
    expect(SignalSchema.safeParse(withMeta({ extra: 'x'.repeat(room) })).success).toBe(true);
    expect(SignalSchema.safeParse(withMeta({ extra: 'x'.repeat(room + 1) })).error?.issues[0].message).toBe('16385 bytes serialised, more than 16384');
    // Bytes, not characters: a multi-byte character counts for what it weighs on the wire.
    expect(SignalSchema.safeParse(withMeta({ extra: 'é'.repeat(room) })).success).toBe(false);
  });

  it('accepts the metadata every producer here writes (votes of all strategies)', () => {
    const votes = Array.from({ length: 12 }, (_, i) => ({ strategy: `s${i}`, direction: 'BUY', confidence: 70, reason: 'r'.repeat(80) }));
    expect(metadataBoundsProblem({ ...guideSignal.metadata, votes, candle_time: '2024-11-21T10:30:00', source: 'live' })).toBeNull();
  });

  it('turns a 20,000-deep entry into a MalformedEntryError without overflowing the stack', () => {
    const json = JSON.stringify(withMeta({ extra: '@' })).replace('"@"', '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000));
    expect(() => decodeEntry(SignalSchema, '1-0', ['data', json])).toThrow(MalformedEntryError);
    expect(() => decodeEntry(SignalSchema, '1-0', ['data', json])).toThrow('metadata: nested deeper than 8 levels');
  });
});
