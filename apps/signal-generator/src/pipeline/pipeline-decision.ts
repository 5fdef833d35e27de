import type { Candle, ProducedSignal, Vote } from '@app/contracts';
import type { Fusion } from '../fusion/consensus';
import type { Strategy } from '../strategies/strategy';

/** What one candle did, for publishing, metrics and the backtest. */
export interface PipelineResult {
  candle: Candle;
  /** Every strategy's vote on this candle (empty when the candle was a duplicate). */
  votes: Vote[];
  /** The fused signal, when one fired and passed risk and cooldown. */
  signal?: ProducedSignal;
  /** Why no signal: `split vote 2-2`, `cooldown 420 s left`, ... */
  outcome: string;
  /** The symbol's ATR after this candle (undefined while warming up). */
  atr?: number;
  /** Tick used for prices. */
  tick?: number;
}

export const enum Outcome {
  Duplicate,
  NotFused,
  AtrWarmingUp,
  Cooldown,
  NoLevels,
  Signal,
}

const NO_STRATEGIES: readonly Strategy[] = [];

/**
 * The same facts as PipelineResult, kept as numbers in one object that SignalPipeline.decide
 * overwrites on every candle: the backtest's hot path allocates nothing per candle, and votes
 * and outcome are formatted only when asked. Read it before the next candle, or copy it with
 * `toResult()`.
 */
export class PipelineDecision {
  candle!: Candle;
  /** The symbol's strategies: each one's `direction` and `confidence` is its vote on this candle. */
  strategies: readonly Strategy[] = NO_STRATEGIES;
  /** The weight each vote was fused with (adaptive consensus); undefined = every vote weighs 1. */
  weights: Float64Array | undefined;
  atr: number | undefined;
  tick: number | undefined;
  signal: ProducedSignal | undefined;
  outcome = Outcome.Duplicate;
  /** Cooldown left (ms) for Outcome.Cooldown. */
  cooldownLeftMs = 0;
  /** computeLevels' refusal for Outcome.NoLevels. */
  levelsReason = '';

  constructor(private readonly fusion: Fusion) {}

  reset(candle: Candle, strategies: readonly Strategy[] | undefined, weights: Float64Array | undefined): void {
    this.candle = candle;
    this.strategies = strategies ?? NO_STRATEGIES;
    this.weights = weights;
    this.atr = undefined;
    this.tick = undefined;
    this.signal = undefined;
    this.outcome = Outcome.Duplicate;
  }

  /** Every strategy's vote, with the weight it was fused with when the consensus is adaptive. */
  votes(): Vote[] {
    const w = this.weights;
    return this.strategies.map((s, k) => (w === undefined ? s.vote() : { ...s.vote(), weight: Math.round(w[k] * 1000) / 1000 }));
  }

  outcomeText(): string {
    switch (this.outcome) {
      case Outcome.Duplicate:
        return 'duplicate or out-of-order candle ignored';
      case Outcome.NotFused:
        return this.fusion.reason();
      case Outcome.AtrWarmingUp:
        return 'ATR warming up';
      case Outcome.Cooldown:
        return `cooldown ${Math.ceil(this.cooldownLeftMs / 1000)} s left`;
      case Outcome.NoLevels:
        return this.levelsReason;
      case Outcome.Signal:
        return 'signal';
    }
  }

  /** A self-contained copy, with the votes and outcome formatted. */
  toResult(): PipelineResult {
    const r: PipelineResult = {
      candle: this.candle,
      votes: this.signal?.metadata.votes ?? this.votes(),
      atr: this.atr,
      tick: this.tick,
      outcome: this.outcomeText(),
    };
    if (this.outcome === Outcome.Duplicate) return { candle: r.candle, votes: r.votes, outcome: r.outcome };
    if (this.signal) r.signal = this.signal;
    return r;
  }
}
