import type { Candle, SignalSource } from '@app/contracts';
import { AdaptiveWeights, type AdaptiveOptions } from '../fusion/adaptive-weights';
import { ConsensusOptions, Fusion } from '../fusion/consensus';
import { Atr } from '../indicators/atr';
import { timeframeMs } from '../market-data/timeframe';
import { Cooldown } from '../risk/cooldown';
import type { RiskParams } from '../risk/risk-params';
import { TickInference } from '../risk/tick-size';
import { computeLevels } from '../risk/trade-levels';
import { createStrategies } from '../strategies/strategy-set';
import type { Strategy } from '../strategies/strategy';
import type { StrategyParams } from '../strategies/strategy-params';
import { Outcome, PipelineDecision, PipelineResult } from './pipeline-decision';

export { PipelineDecision, PipelineResult } from './pipeline-decision';

export interface SignalPipelineOptions {
  /** Strategy names to run (see STRATEGY_NAMES). */
  strategies: readonly string[];
  strategyParams: StrategyParams;
  risk: RiskParams;
  consensus: ConsensusOptions;
  /**
   * The adaptive consensus (ADAPTIVE_CONSENSUS): each vote weighed by its strategy's recent net
   * performance on this symbol (AdaptiveWeights). Undefined (the default): every vote weighs 1.
   */
  adaptive?: AdaptiveOptions;
  /** Per-symbol quiet time after a signal, in candle time. */
  cooldownMs: number;
  /** `strategy_name` of the fused signals. */
  strategyName: string;
  /**
   * `metadata.source` of every signal: `live` on the exchange feed, `replay` on a recorded one,
   * `backtest` in the backtest. Clients trade only `live`, so the producer must never guess.
   */
  source: SignalSource;
  /** Configured (or exchange) tick per symbol; undefined = infer from the prices seen. */
  tickSize?: (symbol: string) => number | undefined;
  /** Stamps the signal's `timestamp` (publish time): a MicrosClock in the service. */
  clock: { nowTimestamp(): string };
  /**
   * A hole in a symbol's candles longer than this many candles resets its indicators: values
   * from before the hole describe another market. Default 5.
   */
  maxGapCandles?: number;
}

interface SymbolState {
  strategies: Strategy[];
  /** The adaptive consensus's learning for the symbol (kept across resets), and the weights this candle was fused with. */
  adaptive?: AdaptiveWeights;
  fusedWeights?: Float64Array;
  atr: Atr;
  lastOpenTime: number;
  /** The hole that resets the state, for the timeframe it was made for (saves a lookup per candle). */
  timeframe: string;
  maxGapMs: number;
  /** The inferred tick once settled, so later candles skip the inference's lookups. */
  settledTick?: number;
}

/**
 * The whole decision path, candle in → optional signal out, with no I/O: the service and the
 * backtest both drive this class, so a backtest measures exactly what the service publishes.
 * Per-symbol state is created on the symbol's first candle.
 */
export class SignalPipeline {
  private readonly symbols = new Map<string, SymbolState>();
  private readonly adaptive = new Map<string, AdaptiveWeights>();
  private readonly cooldown: Cooldown;
  private readonly ticks = new TickInference();
  private readonly fusion: Fusion;
  private readonly decision: PipelineDecision;

  constructor(private readonly opts: SignalPipelineOptions) {
    this.cooldown = new Cooldown(opts.cooldownMs);
    this.fusion = new Fusion(opts.consensus);
    this.decision = new PipelineDecision(this.fusion);
    createStrategies(opts.strategies, opts.strategyParams); // fail fast on an unknown name
  }

  /** What the adaptive consensus has learned for a symbol (undefined when it is off or the symbol unseen). */
  adaptiveWeights(symbol: string): AdaptiveWeights | undefined {
    return this.adaptive.get(symbol);
  }

  /** One candle through the pipeline, as a self-contained result (the service's form). */
  process(candle: Candle): PipelineResult {
    return this.decide(candle).toResult();
  }

  /**
   * The same decision without allocating: the returned object is reused and overwritten by the
   * next call (the backtest's form). A signal, when one fires, is a fresh object.
   */
  decide(candle: Candle): PipelineDecision {
    const d = this.decision;
    const state = this.stateFor(candle);
    d.reset(candle, state?.strategies, state?.fusedWeights);
    if (state === undefined) return d;
    let inferredTick = state.settledTick;
    if (inferredTick === undefined) {
      this.ticks.observe(candle.symbol, candle.open, candle.high, candle.low, candle.close);
      inferredTick = this.ticks.tick(candle.symbol);
      if (this.ticks.settled(candle.symbol)) state.settledTick = inferredTick;
    }
    // Exits first: a would-be trade closed by this candle counts in the weights its votes are fused with.
    const aw = state.adaptive;
    aw?.onCandle(candle);
    let buys = 0;
    let sells = 0;
    let buyWeight = 0;
    let sellWeight = 0;
    let buyConf = 0;
    let sellConf = 0;
    const strategies = state.strategies;
    for (let k = 0; k < strategies.length; k++) {
      const s = strategies[k];
      s.next(candle);
      const w = aw === undefined ? 1 : aw.weights[k];
      if (s.direction === 'BUY') {
        buys++;
        buyWeight += w;
        buyConf += w * s.confidence;
      } else if (s.direction === 'SELL') {
        sells++;
        sellWeight += w;
        sellConf += w * s.confidence;
      }
    }
    const atrValue = state.atr.add(candle.high, candle.low, candle.close);
    const atr = (d.atr = Number.isNaN(atrValue) ? undefined : atrValue);
    const tick = (d.tick = this.opts.tickSize?.(candle.symbol) ?? inferredTick);

    // With every weight 1 (the fixed consensus) the weighted tallies are the counts themselves.
    const fused = this.fusion.fuse(buyWeight, sellWeight, buyConf, sellConf, strategies.length);
    if (aw !== undefined) {
      state.fusedWeights!.set(aw.weights);
      if (atr !== undefined && tick !== undefined) aw.afterVotes(candle, strategies, atr, tick);
    }
    d.outcome = Outcome.NotFused;
    if (!fused) return d;
    d.outcome = Outcome.AtrWarmingUp;
    if (atr === undefined || tick === undefined) return d;
    const t = candle.close_time + 1;
    const left = this.cooldown.remaining(candle.symbol, t);
    if (left > 0) {
      d.outcome = Outcome.Cooldown;
      d.cooldownLeftMs = left;
      return d;
    }
    const { direction, agree, consensusConfidence, signalStrength } = this.fusion;
    const lv = computeLevels(direction, candle.close, atr, tick, this.opts.risk);
    if (!lv.ok) {
      d.outcome = Outcome.NoLevels;
      d.levelsReason = lv.reason;
      return d;
    }
    this.cooldown.mark(candle.symbol, t);
    d.outcome = Outcome.Signal;
    d.signal = {
      timestamp: this.opts.clock.nowTimestamp(),
      symbol: candle.symbol,
      direction,
      entry_price: lv.levels.entry,
      stop_loss: lv.levels.stopLoss,
      take_profit: lv.levels.takeProfit,
      leverage: lv.levels.leverage,
      signal_strength: signalStrength,
      timeframe: candle.timeframe,
      strategy_name: this.opts.strategyName,
      metadata: {
        consensus_confidence: consensusConfidence,
        strategies_agree: direction === 'BUY' ? buys : sells,
        ...(aw === undefined ? {} : { weighted_agree: Math.round(agree * 100) / 100 }),
        risk_reward_ratio: lv.levels.riskReward,
        votes: d.votes(),
        candle_time: new Date(candle.open_time).toISOString(),
        candle_close_time: new Date(t).toISOString(),
        atr: Number(atr.toPrecision(6)),
        tick_size: tick,
        source: this.opts.source,
      },
    };
    return d;
  }

  private stateFor(candle: Candle): SymbolState | undefined {
    const prev = this.symbols.get(candle.symbol);
    if (prev && candle.open_time <= prev.lastOpenTime) return undefined;
    const maxGap = prev?.timeframe === candle.timeframe ? prev.maxGapMs : (this.opts.maxGapCandles ?? 5) * timeframeMs(candle.timeframe);
    if (prev && candle.open_time - prev.lastOpenTime <= maxGap) {
      prev.lastOpenTime = candle.open_time;
      return prev;
    }
    const adaptive = this.adaptiveFor(candle.symbol);
    const fresh: SymbolState = {
      strategies: createStrategies(this.opts.strategies, this.opts.strategyParams),
      adaptive,
      fusedWeights: adaptive && new Float64Array(this.opts.strategies.length).fill(1),
      atr: new Atr(this.opts.risk.atrPeriod),
      lastOpenTime: candle.open_time,
      timeframe: candle.timeframe,
      maxGapMs: maxGap,
    };
    this.symbols.set(candle.symbol, fresh);
    return fresh;
  }

  /** The symbol's adaptive weights, kept across resets (a hole voids the open would-be trades, not what was learned). */
  private adaptiveFor(symbol: string): AdaptiveWeights | undefined {
    const opts = this.opts.adaptive;
    if (opts === undefined) return undefined;
    let aw = this.adaptive.get(symbol);
    if (aw === undefined) this.adaptive.set(symbol, (aw = new AdaptiveWeights(this.opts.strategies.length, opts, this.opts.risk, this.opts.cooldownMs)));
    else aw.voidOpen();
    return aw;
  }
}
