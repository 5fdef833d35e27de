import { MicrosClock, type ProducedSignal } from '@app/contracts';
import { DEFAULT_COSTS } from '@app/trading';
import { SAMPLE_FILES } from '../../test/candles';
import { DEFAULT_MAX_HOLD_MS, runBacktest } from '../backtest/backtest.runner';
import { loadConfig } from '../config';
import { describeKlineFile } from '../market-data/replay/kline-file';
import { ReplaySource } from '../market-data/replay/replay.source';
import { SignalPipeline, type SignalPipelineOptions } from '../pipeline/signal-pipeline';
import type { AdaptiveOptions } from './adaptive-weights';

const cfg = loadConfig({});
const adaptive = (over: Partial<AdaptiveOptions> = {}): AdaptiveOptions => ({ halfLifeTrades: 20, sensitivity: 2, costs: DEFAULT_COSTS, maxHoldMs: DEFAULT_MAX_HOLD_MS, ...over });
const options = (over: Partial<SignalPipelineOptions> = {}): SignalPipelineOptions => ({ ...cfg.pipeline, source: 'backtest', clock: new MicrosClock(() => 0), ...over });
const replay = () => new ReplaySource({ files: SAMPLE_FILES.map((f) => describeKlineFile(f)) });

async function signalsOf(p: SignalPipeline): Promise<ProducedSignal[]> {
  const out: ProducedSignal[] = [];
  await replay().run((c) => {
    const s = p.process(c).signal;
    if (s) out.push(s);
  });
  return out;
}

describe('adaptive consensus', () => {
  it('learns from exactly the trades the backtest scores each strategy alone by, net of costs', async () => {
    const p = new SignalPipeline(options({ adaptive: adaptive() }));
    await signalsOf(p);
    // The backtest's own per-strategy books over the same candles, trade by trade.
    const net = new Map<string, number[]>();
    await runBacktest(replay(), {
      ...options(),
      costs: DEFAULT_COSTS,
      maxHoldMs: DEFAULT_MAX_HOLD_MS,
      onClose: (t) => {
        const key = `${t.symbol} ${t.source}`;
        net.set(key, [...(net.get(key) ?? []), t.result.netR]);
      },
    });
    const alpha = 1 - 0.5 ** (1 / 20);
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
      const aw = p.adaptiveWeights(symbol)!;
      cfg.pipeline.strategies.forEach((name, k) => {
        const rs = net.get(`${symbol} ${name}`) ?? [];
        expect([symbol, name, aw.scored[k]]).toEqual([symbol, name, rs.length]);
        const ew = rs.reduce((m, r) => m + alpha * (r - m), 0);
        expect(aw.ewR[k]).toBeCloseTo(ew, 9);
      });
      // Softmax of the records, scaled to average 1: the best record weighs most.
      const w = [...aw.weights];
      expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(w.length, 9);
      const best = [...aw.ewR].indexOf(Math.max(...aw.ewR));
      expect(w.indexOf(Math.max(...w))).toBe(best);
      expect(Math.max(...w)).toBeGreaterThan(1);
    }
  });

  it('each vote of a signal shows the weight it was fused with; weighted agreement decides', async () => {
    const signals = await signalsOf(new SignalPipeline(options({ adaptive: adaptive() })));
    expect(signals.length).toBeGreaterThan(50);
    for (const s of signals) {
      const votes = s.metadata.votes!;
      expect(votes.every((v) => typeof v.weight === 'number' && v.weight >= 0)).toBe(true);
      const agreeing = votes.filter((v) => v.direction === s.direction);
      expect(s.metadata.strategies_agree).toBe(agreeing.length);
      const weighted = s.metadata.weighted_agree as number;
      expect(Math.abs(weighted - agreeing.reduce((a, v) => a + (v.weight as number), 0))).toBeLessThan(0.01);
      expect(weighted).toBeGreaterThanOrEqual(cfg.pipeline.consensus.minStrategiesAgree);
    }
    // Weights really moved away from 1 and changed which candles fire.
    expect(signals.some((s) => s.metadata.votes!.some((v) => Math.abs((v.weight as number) - 1) > 0.05))).toBe(true);
    const fixed = await signalsOf(new SignalPipeline(options()));
    expect(signals.map((s) => `${s.symbol} ${s.metadata.candle_time}`)).not.toEqual(fixed.map((s) => `${s.symbol} ${s.metadata.candle_time}`));
  });

  it('with sensitivity 0 every weight stays 1: the same signals as the fixed consensus', async () => {
    const strip = (s: ProducedSignal) => ({ ...s, metadata: { ...s.metadata, weighted_agree: undefined, votes: s.metadata.votes!.map(({ weight: _w, ...v }) => v) } });
    const flat = await signalsOf(new SignalPipeline(options({ adaptive: adaptive({ sensitivity: 0 }) })));
    const fixed = await signalsOf(new SignalPipeline(options()));
    expect(flat.map(strip)).toEqual(fixed.map((s) => ({ ...s, metadata: { ...s.metadata, weighted_agree: undefined } })));
    expect(fixed.every((s) => s.metadata.votes!.every((v) => v.weight === undefined) && s.metadata.weighted_agree === undefined)).toBe(true);
  });
});
