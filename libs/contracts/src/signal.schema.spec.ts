import { SignalSchema, decodeEntry, encodeEntry, MalformedEntryError, MicrosClock, SIGNAL_TIMESTAMP_RE, parseTimestampMs } from '@app/contracts';

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
