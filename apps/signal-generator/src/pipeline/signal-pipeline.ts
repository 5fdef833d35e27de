import type { Candle, ProducedSignal, SignalSource, Vote } from '@app/contracts';
import { FasterATR } from 'trading-signals';
import { ConsensusOptions, fuseVotes } from '../fusion/consensus';
import { timeframeMs } from '../market-data/timeframe';
import { Cooldown } from '../risk/cooldown';
import type { RiskParams } from '../risk/risk-params';
import { TickInference } from '../risk/tick-size';
import { computeLevels } from '../risk/trade-levels';
import { createStrategies } from '../strategies/strategy-set';
import type { Strategy } from '../strategies/strategy';
import type { StrategyParams } from '../strategies/strategy-params';

export interface SignalPipelineOptions {
  /** Strategy names to run (see STRATEGY_NAMES). */
  strategies: readonly string[];
  strategyParams: StrategyParams;
  risk: RiskParams;
  consensus: ConsensusOptions;
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

interface SymbolState {
  strategies: Strategy[];
  atr: FasterATR;
  lastOpenTime: number;
}

/**
 * The whole decision path, candle in → optional signal out, with no I/O: the service and the
 * backtest both drive this class, so a backtest measures exactly what the service publishes.
 * Per-symbol state is created on the symbol's first candle.
 */
export class SignalPipeline {
  private readonly symbols = new Map<string, SymbolState>();
  private readonly cooldown: Cooldown;
  private readonly ticks = new TickInference();

  constructor(private readonly opts: SignalPipelineOptions) {
    this.cooldown = new Cooldown(opts.cooldownMs);
    createStrategies(opts.strategies, opts.strategyParams); // fail fast on an unknown name
  }

  process(candle: Candle): PipelineResult {
    const state = this.stateFor(candle);
    if (state === undefined) return { candle, votes: [], outcome: 'duplicate or out-of-order candle ignored' };
    this.ticks.observe(candle.symbol, candle.open, candle.high, candle.low, candle.close);
    const votes = state.strategies.map((s) => s.update(candle));
    const atr = state.atr.add({ high: candle.high, low: candle.low, close: candle.close }) ?? undefined;
    const tick = this.opts.tickSize?.(candle.symbol) ?? this.ticks.tick(candle.symbol);
    const base = { candle, votes, atr, tick };

    const fused = fuseVotes(votes, this.opts.consensus);
    if (!fused.fired) return { ...base, outcome: fused.reason };
    if (atr === undefined || tick === undefined) return { ...base, outcome: 'ATR warming up' };
    const t = candle.close_time + 1;
    const left = this.cooldown.remaining(candle.symbol, t);
    if (left > 0) return { ...base, outcome: `cooldown ${Math.ceil(left / 1000)} s left` };
    const { direction, agree, consensusConfidence, signalStrength } = fused.consensus;
    const lv = computeLevels(direction, candle.close, atr, tick, this.opts.risk);
    if (!lv.ok) return { ...base, outcome: lv.reason };
    this.cooldown.mark(candle.symbol, t);
    const signal: ProducedSignal = {
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
        strategies_agree: agree,
        risk_reward_ratio: lv.levels.riskReward,
        votes,
        candle_time: new Date(candle.open_time).toISOString(),
        candle_close_time: new Date(t).toISOString(),
        atr: Number(atr.toPrecision(6)),
        tick_size: tick,
        source: this.opts.source,
      },
    };
    return { ...base, signal, outcome: 'signal' };
  }

  private stateFor(candle: Candle): SymbolState | undefined {
    const prev = this.symbols.get(candle.symbol);
    if (prev && candle.open_time <= prev.lastOpenTime) return undefined;
    const maxGap = (this.opts.maxGapCandles ?? 5) * timeframeMs(candle.timeframe);
    if (prev && candle.open_time - prev.lastOpenTime <= maxGap) {
      prev.lastOpenTime = candle.open_time;
      return prev;
    }
    const fresh: SymbolState = {
      strategies: createStrategies(this.opts.strategies, this.opts.strategyParams),
      atr: new FasterATR(this.opts.risk.atrPeriod),
      lastOpenTime: candle.open_time,
    };
    this.symbols.set(candle.symbol, fresh);
    return fresh;
  }
}
