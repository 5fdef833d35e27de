import { createHash } from 'node:crypto';
import { MicrosClock, NewSignal } from '@app/contracts';
import { SignalPipeline } from '../src/pipeline/signal-pipeline';
import { DEFAULT_RISK_PARAMS } from '../src/risk/risk-params';
import { STRATEGY_NAMES } from '../src/strategies/strategy-set';
import { DEFAULT_STRATEGY_PARAMS } from '../src/strategies/strategy-params';
import { sampleCandles } from './candles';

/** What the pipeline made of the bundled sample, in a form that can be stored and compared. */
export interface SampleRun {
  signals: NewSignal[];
  /** How many candles ended with each outcome. */
  outcomes: Record<string, number>;
  /** Per strategy: votes by direction, and a hash of every candle's direction and confidence. */
  votes: Record<string, { BUY: number; SELL: number; NONE: number; sha256: string }>;
}

/**
 * BTC and ETH interleaved through one pipeline with every strategy, loose consensus settings (so
 * many signals fire and every reason is exercised) and a fixed clock.
 */
export function runSample(): SampleRun {
  const p = new SignalPipeline({
    strategies: STRATEGY_NAMES,
    strategyParams: DEFAULT_STRATEGY_PARAMS,
    risk: DEFAULT_RISK_PARAMS,
    consensus: { minStrategiesAgree: 2, minConfidence: 50 },
    cooldownMs: 300_000,
    strategyName: 'ConsensusScalping',
    source: 'backtest',
    clock: new MicrosClock(() => Date.UTC(2026, 0, 1)),
  });
  const btc = sampleCandles('BTCUSDT');
  const eth = sampleCandles('ETHUSDT');
  const run: SampleRun = { signals: [], outcomes: {}, votes: {} };
  const hashes = new Map(STRATEGY_NAMES.map((n) => [n, createHash('sha256')]));
  for (let i = 0; i < btc.length; i++) {
    for (const c of [btc[i], eth[i]]) {
      const r = p.process(c);
      if (r.signal) run.signals.push(r.signal);
      run.outcomes[r.outcome] = (run.outcomes[r.outcome] ?? 0) + 1;
      for (const v of r.votes) {
        const tally = (run.votes[v.strategy] ??= { BUY: 0, SELL: 0, NONE: 0, sha256: '' });
        tally[v.direction]++;
        hashes.get(v.strategy)?.update(`${v.direction}${v.confidence};`);
      }
    }
  }
  for (const [n, h] of hashes) run.votes[n].sha256 = h.digest('hex');
  return run;
}
