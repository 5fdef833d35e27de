import type { Candle, CloseReason, Direction } from '@app/contracts';
import { exitOnCandle, signalAction, tradeResult, type CostModel, type ExitLevels } from '@app/trading';
import type { RiskParams } from '../risk/risk-params';
import { computeLevels } from '../risk/trade-levels';
import type { Strategy } from '../strategies/strategy';

/** How the adaptive consensus weighs each strategy's vote (ADAPTIVE_* settings). */
export interface AdaptiveOptions {
  /** Closed trades after which a result counts half as much as the newest one. Default 20. */
  halfLifeTrades: number;
  /** How hard a weight follows its strategy's recent net R: weight ∝ exp(sensitivity × R). Default 2. */
  sensitivity: number;
  /** Fees and slippage the would-be trades are scored with (the shared trade model's). */
  costs: CostModel;
  /** A would-be trade still open this long closes at a candle's close, as the position-closer's max hold. */
  maxHoldMs: number;
}

const NONE = 0;
const BUY = 1;
const SELL = -1;
const dirOf = (d: number): Direction => (d === BUY ? 'BUY' : 'SELL');

/**
 * One symbol's strategy weights for the adaptive consensus, learned from each strategy's own
 * would-be trades, as the backtest scores a strategy alone: every vote, given a stop and target by
 * the risk model, held to the cooldown, one position per strategy (the same direction again is
 * ignored, the opposite reverses), closed by the shared exit rule or the max hold, and scored net
 * of costs by `tradeResult` (libs/trading).
 *
 * Each strategy keeps an exponentially weighted mean of its net R, `ewR` (0 before its first
 * trade: no opinion), and its weight is a softmax of those, scaled so the weights of a symbol's
 * strategies average 1:
 *
 *   weight_k = n · exp(s · ewR_k) / Σ_j exp(s · ewR_j)
 *
 * so with no history, or equal histories, every weight is 1 and the consensus is the fixed one.
 * The weights follow relative performance: when every strategy loses alike, none gains.
 *
 * Per candle it allocates nothing unless a would-be trade opens or closes (its levels and result).
 */
export class AdaptiveWeights {
  /** The current weight of each strategy, in the pipeline's strategy order; mean 1. */
  readonly weights: Float64Array;
  /** Exponentially weighted mean net R of each strategy's closed would-be trades. */
  readonly ewR: Float64Array;
  /** Would-be trades closed per strategy (scored). */
  readonly scored: Int32Array;
  private readonly alpha: number;
  private readonly dir: Int8Array;
  private readonly entry: Float64Array;
  private readonly stop: Float64Array;
  private readonly target: Float64Array;
  private readonly enteredOn: Float64Array;
  private readonly enteredAt: Float64Array;
  private readonly tick: Float64Array;
  private readonly lastMark: Float64Array;
  /** Reused for every exit check. */
  private readonly levels: ExitLevels = { direction: 'BUY', stopLoss: 0, takeProfit: 0, marketTimeMs: 0 };

  constructor(
    private readonly n: number,
    private readonly opts: AdaptiveOptions,
    private readonly risk: RiskParams,
    private readonly cooldownMs: number,
  ) {
    this.weights = new Float64Array(n).fill(1);
    this.ewR = new Float64Array(n);
    this.scored = new Int32Array(n);
    this.alpha = 1 - 0.5 ** (1 / opts.halfLifeTrades);
    this.dir = new Int8Array(n);
    this.entry = new Float64Array(n);
    this.stop = new Float64Array(n);
    this.target = new Float64Array(n);
    this.enteredOn = new Float64Array(n);
    this.enteredAt = new Float64Array(n);
    this.tick = new Float64Array(n);
    this.lastMark = new Float64Array(n).fill(-Infinity);
  }

  /** Closes the would-be trades this candle exits (target, stop, max hold): before its votes are fused. */
  onCandle(c: Candle): void {
    for (let k = 0; k < this.n; k++) {
      if (this.dir[k] === NONE) continue;
      const lv = this.levels;
      lv.direction = dirOf(this.dir[k]);
      lv.stopLoss = this.stop[k];
      lv.takeProfit = this.target[k];
      lv.marketTimeMs = this.enteredOn[k];
      const exit = exitOnCandle(lv, c);
      if (exit) this.close(k, exit.reason, exit.price);
      else if (c.close_time + 1 >= this.enteredAt[k] + this.opts.maxHoldMs) this.close(k, 'max_hold', c.close);
    }
  }

  /** Opens the would-be trades of this candle's votes, entered at its close: after its votes are fused. */
  afterVotes(c: Candle, strategies: readonly Strategy[], atr: number, tick: number): void {
    const t = c.close_time + 1;
    for (let k = 0; k < this.n; k++) {
      const vote = strategies[k].direction;
      if (vote === 'NONE' || this.lastMark[k] + this.cooldownMs - t > 0) continue;
      const lv = computeLevels(vote, c.close, atr, tick, this.risk);
      if (!lv.ok) continue;
      this.lastMark[k] = t;
      const action = signalAction(this.dir[k] === NONE ? undefined : dirOf(this.dir[k]), vote);
      if (action === 'ignore') continue;
      if (action === 'reverse') this.close(k, 'opposite_signal', lv.levels.entry);
      this.dir[k] = vote === 'BUY' ? BUY : SELL;
      this.entry[k] = lv.levels.entry;
      this.stop[k] = lv.levels.stopLoss;
      this.target[k] = lv.levels.takeProfit;
      this.enteredOn[k] = c.open_time;
      this.enteredAt[k] = t;
      this.tick[k] = tick;
    }
  }

  /** Drops the open would-be trades, unscored (a hole in the data); what was learned stays. */
  voidOpen(): void {
    this.dir.fill(NONE);
  }

  private close(k: number, reason: CloseReason, exitPrice: number): void {
    const r = tradeResult({ direction: dirOf(this.dir[k]), entry: this.entry[k], stopLoss: this.stop[k], reason, exitPrice, tick: this.tick[k] }, this.opts.costs);
    this.dir[k] = NONE;
    this.ewR[k] += this.alpha * (r.netR - this.ewR[k]);
    this.scored[k]++;
    this.reweigh();
  }

  private reweigh(): void {
    const s = this.opts.sensitivity;
    let max = -Infinity;
    for (let k = 0; k < this.n; k++) max = Math.max(max, s * this.ewR[k]);
    let sum = 0;
    for (let k = 0; k < this.n; k++) sum += (this.weights[k] = Math.exp(s * this.ewR[k] - max));
    for (let k = 0; k < this.n; k++) this.weights[k] = (this.n * this.weights[k]) / sum;
  }
}
