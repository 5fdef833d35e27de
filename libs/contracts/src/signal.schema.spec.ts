import { isLiveSignal, ProducedSignalSchema, signalSource, SignalSchema, decodeEntry, encodeEntry, MalformedEntryError, MicrosClock, SIGNAL_TIMESTAMP_RE, parseTimestampMs } from '@app/contracts';

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
  metadata: { consensus_confidence: 75.0, strategies_agree: 4, risk_reward_ratio: 2.4 },
};

describe('Signal contract', () => {
  it('accepts the guide example verbatim', () => {
    expect(SignalSchema.parse(guideSignal)).toEqual(guideSignal);
  });

  it('keeps extra metadata (votes, candle_time)', () => {
    const s = { ...guideSignal, metadata: { ...guideSignal.metadata, votes: [], candle_time: 'x', extra: 1 } };
    expect(SignalSchema.parse(s).metadata).toMatchObject({ extra: 1, candle_time: 'x' });
  });

  it('keeps each vote’s weight (the adaptive consensus) when it has one, and refuses a negative one', () => {
    const vote = { strategy: 'ema_cross', direction: 'BUY', confidence: 62.5, reason: 'EMA9 crossed above EMA21' };
    const withWeights = { ...guideSignal, metadata: { ...guideSignal.metadata, votes: [{ ...vote, weight: 1.274 }, { ...vote, strategy: 'rsi_extreme' }] } };
    expect(SignalSchema.parse(withWeights).metadata.votes).toEqual([{ ...vote, weight: 1.274 }, { ...vote, strategy: 'rsi_extreme' }]);
    const negative = { ...guideSignal, metadata: { ...guideSignal.metadata, votes: [{ ...vote, weight: -0.5 }] } };
    expect(JSON.stringify(SignalSchema.safeParse(negative).error?.issues)).toContain('weight');
  });

  it('carries metadata.source, one of live, replay, backtest and demo, and refuses any other value', () => {
    for (const source of ['live', 'replay', 'backtest', 'demo']) {
      expect(SignalSchema.parse({ ...guideSignal, metadata: { ...guideSignal.metadata, source } }).metadata.source).toBe(source);
    }
    const r = SignalSchema.safeParse({ ...guideSignal, metadata: { ...guideSignal.metadata, source: 'LIVE' } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('source');
  });

  it('reads a signal without a source as unknown and never live; publishers must set one', () => {
    expect(signalSource(SignalSchema.parse(guideSignal))).toBe('unknown');
    expect(isLiveSignal(SignalSchema.parse(guideSignal))).toBe(false);
    expect(isLiveSignal({ metadata: { source: 'replay' } })).toBe(false);
    expect(isLiveSignal({ metadata: { source: 'live' } })).toBe(true);
    const r = ProducedSignalSchema.safeParse(guideSignal);
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['metadata.source: metadata.source is required: live, replay, backtest or demo']);
    expect(ProducedSignalSchema.safeParse({ ...guideSignal, metadata: { ...guideSignal.metadata, source: 'demo' } }).success).toBe(true);
  });

  it('rejects a stop on the wrong side and names the field', () => {
    const r = SignalSchema.safeParse({ ...guideSignal, stop_loss: 3600 });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('stop_loss');
  });

  it('rejects a fractional leverage (the guide C# model has int Leverage)', () => {
    expect(SignalSchema.safeParse({ ...guideSignal, leverage: 2.5 }).success).toBe(false);
  });

  it('round-trips through a stream entry and reports malformed ones', () => {
    const fields = encodeEntry(guideSignal);
    expect(decodeEntry(SignalSchema, '1-0', fields)).toEqual(guideSignal);
    expect(() => decodeEntry(SignalSchema, '2-0', ['data', '{nope'])).toThrow(MalformedEntryError);
    expect(() => decodeEntry(SignalSchema, '3-0', ['other', '1'])).toThrow(/no 'data' field/);
    expect(() => decodeEntry(SignalSchema, '4-0', encodeEntry({ ...guideSignal, direction: 'UP' }))).toThrow(/direction/);
  });
});

describe('MicrosClock', () => {
  it('formats like the guide and never repeats a timestamp', () => {
    const clock = new MicrosClock(() => Date.UTC(2024, 10, 21, 10, 30, 45, 123));
    const a = clock.nowTimestamp();
    const b = clock.nowTimestamp();
    expect(a).toBe('2024-11-21T10:30:45.123000');
    expect(b).toBe('2024-11-21T10:30:45.123001');
    expect(SIGNAL_TIMESTAMP_RE.test(a)).toBe(true);
    expect(parseTimestampMs(a)).toBe(Date.UTC(2024, 10, 21, 10, 30, 45, 123));
  });
});
