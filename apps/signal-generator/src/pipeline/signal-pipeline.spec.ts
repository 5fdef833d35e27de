import { MicrosClock, ProducedSignalSchema, SignalSchema } from '@app/contracts';
import { candlesFromCloses, sampleCandles } from '../../test/candles';
import { DEFAULT_RISK_PARAMS } from '../risk/risk-params';
import { STRATEGY_NAMES } from '../strategies/strategy-set';
import { DEFAULT_STRATEGY_PARAMS } from '../strategies/strategy-params';
import { SignalPipeline, SignalPipelineOptions } from './signal-pipeline';

const options = (over: Partial<SignalPipelineOptions> = {}): SignalPipelineOptions => ({
  strategies: STRATEGY_NAMES,
  strategyParams: DEFAULT_STRATEGY_PARAMS,
  risk: DEFAULT_RISK_PARAMS,
  consensus: { minStrategiesAgree: 3, minConfidence: 60 },
  cooldownMs: 900_000,
  strategyName: 'ConsensusScalping',
  source: 'replay',
  clock: new MicrosClock(() => Date.UTC(2026, 0, 1)),
  ...over,
});

describe('SignalPipeline on the real sample', () => {
  const btc = sampleCandles('BTCUSDT');
  const eth = sampleCandles('ETHUSDT');
  const run = (opts = options()) => {
    const p = new SignalPipeline(opts);
    const results = [];
    for (let i = 0; i < btc.length; i++) results.push(p.process(btc[i]), p.process(eth[i]));
    return results;
  };
  const results = run();
  const signals = results.flatMap((r) => (r.signal ? [r.signal] : []));

  it('emits contract-valid signals for both symbols and both directions', () => {
    expect(signals.length).toBeGreaterThan(100);
    for (const s of signals) expect(SignalSchema.safeParse(s).error).toBeUndefined();
    expect(new Set(signals.map((s) => `${s.symbol} ${s.direction}`))).toEqual(new Set(['BTCUSDT BUY', 'BTCUSDT SELL', 'ETHUSDT BUY', 'ETHUSDT SELL']));
  });

  it('marks every signal with the source it was configured with, as publishers require', () => {
    for (const s of signals) expect(ProducedSignalSchema.safeParse(s).error).toBeUndefined();
    expect(new Set(signals.map((s) => s.metadata.source))).toEqual(new Set(['replay']));
    const live = new SignalPipeline(options({ source: 'live' }));
    const liveSignals = btc.map((c) => live.process(c).signal).filter((s) => s !== undefined);
    expect(liveSignals.length).toBeGreaterThan(0);
    expect(liveSignals.every((s) => s.metadata.source === 'live')).toBe(true);
  });

  it('explains each signal: every strategy vote with its reason, agreement and confidence that match the votes', () => {
    for (const s of signals) {
      const votes = s.metadata.votes ?? [];
      expect(votes.map((v) => v.strategy)).toEqual(STRATEGY_NAMES);
      const agreeing = votes.filter((v) => v.direction === s.direction);
      expect(s.metadata.strategies_agree).toBe(agreeing.length);
      expect(agreeing.length).toBeGreaterThanOrEqual(3);
      expect(s.metadata.consensus_confidence).toBeGreaterThanOrEqual(60);
      expect(agreeing.every((v) => v.reason.length > 0)).toBe(true);
    }
  });

  it('prices on the tick inferred from the data, entry at the candle close, candle time in metadata', () => {
    const candleByTime = new Map([...btc, ...eth].map((c) => [`${c.symbol}${new Date(c.open_time).toISOString()}`, c]));
    for (const s of signals) {
      const c = candleByTime.get(`${s.symbol}${s.metadata.candle_time as string}`)!;
      expect(s.entry_price).toBe(c.close);
      const tick = s.symbol === 'BTCUSDT' ? 0.1 : 0.01;
      expect(s.metadata.tick_size).toBe(tick);
      for (const p of [s.stop_loss, s.take_profit]) expect(Math.abs(p / tick - Math.round(p / tick))).toBeLessThan(1e-6);
      expect(s.metadata.risk_reward_ratio).toBeGreaterThanOrEqual(DEFAULT_RISK_PARAMS.minRr);
    }
  });

  it('stamps the publish clock, not the candle time, as timestamp', () => {
    expect(signals[0].timestamp).toBe('2026-01-01T00:00:00.000000');
    expect(signals[1].timestamp).toBe('2026-01-01T00:00:00.000001');
  });

  it('never signals a symbol twice within the cooldown', () => {
    for (const sym of ['BTCUSDT', 'ETHUSDT']) {
      const times = signals.filter((s) => s.symbol === sym).map((s) => Date.parse(s.metadata.candle_time as string));
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(900_000);
    }
    const blocked = results.filter((r) => r.outcome.startsWith('cooldown'));
    expect(blocked.length).toBeGreaterThan(0);
  });

  it('with no cooldown fires more often, and stricter consensus fires less', () => {
    const count = (o: SignalPipelineOptions) => run(o).filter((r) => r.signal).length;
    expect(count(options({ cooldownMs: 0 }))).toBeGreaterThan(signals.length);
    expect(count(options({ consensus: { minStrategiesAgree: 4, minConfidence: 60 } }))).toBeLessThan(signals.length);
  });

  it('uses a configured tick over the inferred one', () => {
    const p = new SignalPipeline(options({ tickSize: (s) => (s === 'BTCUSDT' ? 0.5 : undefined) }));
    const got = btc.map((c) => p.process(c)).flatMap((r) => (r.signal ? [r.signal] : []));
    expect(got.length).toBeGreaterThan(0);
    for (const s of got) expect((s.stop_loss * 2) % 1).toBeCloseTo(0, 6);
  });
});

describe('SignalPipeline state handling', () => {
  it('ignores a duplicate or older candle of a symbol (e.g. a reconnect overlap)', () => {
    const p = new SignalPipeline(options());
    const [a, b] = candlesFromCloses([100, 101]);
    expect(p.process(a).votes).toHaveLength(STRATEGY_NAMES.length);
    p.process(b);
    expect(p.process(a)).toMatchObject({ votes: [], outcome: 'duplicate or out-of-order candle ignored' });
  });

  it('restarts warm-up after a hole in the data, so stale indicators do not vote', () => {
    const p = new SignalPipeline(options());
    const first = candlesFromCloses(Array.from({ length: 60 }, (_, i) => 100 + Math.sin(i / 3)));
    for (const c of first) p.process(c);
    const after = candlesFromCloses([100], { start: first[59].open_time + 6 * 3_600_000 })[0];
    const r = p.process(after);
    expect(r.votes.every((v) => v.reason === 'warming up' || v.reason.includes('not settled'))).toBe(true);
    expect(r.atr).toBeUndefined();
  });

  it('refuses an unknown strategy name', () => {
    expect(() => new SignalPipeline(options({ strategies: ['ema_cross', 'astrology'] }))).toThrow(/unknown strategy 'astrology'/);
  });
});
