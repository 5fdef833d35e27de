import { z } from 'zod';
import type { SignalSource } from '@app/contracts';
import { baseConfigFromEnv, baseEnvSchema, bool, ConfigError, int, num, parseEnv, positive, replicaEnvShape, type BaseConfig, type Env as RawEnv } from '@app/config';
import { costModelFromEnv, costsEnvShape } from '@app/trading';
import type { AdaptiveOptions } from './fusion/adaptive-weights';
import type { ConsensusOptions } from './fusion/consensus';
import { binanceEnvShape, binanceOptionsFromEnv } from './market-data/binance/binance.config';
import { timeframeMs } from './market-data/timeframe';
import { parseReplaySpeed, ReplaySpeed } from './market-data/replay/replay-speed';
import type { SignalPipelineOptions } from './pipeline/signal-pipeline';
import type { RiskParams } from './risk/risk-params';
import { DEFAULT_RISK_PARAMS } from './risk/risk-params';
import { STRATEGY_NAMES } from './strategies/strategy-set';
import { DEFAULT_STRATEGY_PARAMS, StrategyParams } from './strategies/strategy-params';

const list = (re: RegExp, what: string) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(re, `each entry must be ${what}`)).min(1, 'must list at least one entry'));

const S = DEFAULT_STRATEGY_PARAMS;
const R = DEFAULT_RISK_PARAMS;

/** The sample shipped in `data/`; relative paths resolve against the working directory (the repo root). */
export const DEFAULT_REPLAY_FILES = 'data/BTCUSDT-1m-2025-05-06.csv,data/ETHUSDT-1m-2025-05-06.csv';

/** Every setting of the signal-generator (PORT serves /metrics and /health); main.ts loads it once and nothing else reads `process.env`. */
export const generatorEnvSchema = baseEnvSchema(9100).extend({
  SYMBOLS: list(/^[A-Z0-9]{2,20}$/, 'an upper-case symbol like BTCUSDT').default(['BTCUSDT', 'ETHUSDT']),
  TIMEFRAME: z.string().refine((t) => safe(() => timeframeMs(t)), 'TIMEFRAME must look like 1m, 5m or 1h').default('1m'),
  /**
   * Timeframes the strategies run on, each built from the feed's TIMEFRAME candles (`1m,5m,15m`);
   * every signal carries its own. Default: TIMEFRAME alone.
   */
  SIGNAL_TIMEFRAMES: list(/^\d+[smhd]$/, 'a timeframe like 1m, 5m or 15m').optional(),
  MARKET_SOURCE: z.enum(['replay', 'binance']).default('replay'),
  REPLAY_FILES: list(/\.csv$/i, 'a .csv path').default(DEFAULT_REPLAY_FILES.split(',')),
  /**
   * x1 is real time. The default x60 (a 1m candle a second) with a warm-up shows signals within
   * a minute of start on the sample; `max` replays as fast as the pipeline goes.
   */
  REPLAY_SPEED: z
    .string()
    .default('x60')
    .transform((s, ctx) => {
      try {
        return parseReplaySpeed(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /**
   * `true`: forget the replay's checkpoint at start and publish every candle's decision again
   * (the signals are new ones). Default: resume after the last candle published.
   */
  REPLAY_FROM_START: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false').transform((v) => v === 'true'),
  /** Candles per symbol replayed unpaced and unpublished at start, to warm the indicators. */
  REPLAY_WARMUP_CANDLES: int(0, 1_000_000).default(120),
  /** MARKET_SOURCE=binance: closed candles per symbol fetched from REST at start to warm the indicators (not published). */
  LIVE_WARMUP_CANDLES: int(0, 1499).default(120),
  /** `skip`: a bad CSV row is logged (file:line) and counted; `fail`: the replay stops at it. */
  REPLAY_BAD_ROWS: z.enum(['skip', 'fail']).default('skip'),
  /** `BTCUSDT:0.1,ETHUSDT:0.01`; a symbol not listed gets its tick from the exchange (live) or the data (replay). */
  TICK_SIZES: z
    .string()
    .default('')
    .transform((s, ctx) => {
      const out: Record<string, number> = {};
      for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
        const m = /^([A-Z0-9]{2,20}):(\d+(?:\.\d+)?(?:e-\d+)?)$/.exec(part);
        if (!m || !(Number(m[2]) > 0)) {
          ctx.addIssue({ code: 'custom', message: `'${part}' is not SYMBOL:tick (e.g. BTCUSDT:0.1)` });
          return z.NEVER;
        }
        out[m[1]] = Number(m[2]);
      }
      return out;
    }),
  /**
   * CONSUMER_NAME, and SHARD_LEASE_MS: replicas split the symbols' publishing by shard leases
   * (GENERATOR_SHARDS); one that dies loses its symbols after SHARD_LEASE_MS and another publishes
   * them from the next undecided candle.
   */
  ...replicaEnvShape,
  /** Seconds without a candle after which the feed counts as stalled (health down). */
  FEED_STALE_SECONDS: int(1, 86_400).default(180),
  // MARKET_SOURCE=binance: BINANCE_WS_URL, BINANCE_REST_URL, stall/reconnect/rotation timings.
  ...binanceEnvShape,

  STRATEGIES: list(/^[a-z_]+$/, 'a strategy name').default([...STRATEGY_NAMES]),
  STRATEGY_NAME: z.string().min(1).max(100).default('ConsensusScalping'),
  MIN_STRATEGIES_AGREE: int(1, 50).default(3),
  MIN_CONFIDENCE: num(0, 100).default(60),
  /**
   * `true`: each vote weighs by its strategy's recent net performance on the symbol (its would-be
   * trades, exponentially weighted R; see fusion/adaptive-weights.ts). Off by default: the
   * walk-forward has not shown it to help.
   */
  ADAPTIVE_CONSENSUS: bool().default(false),
  /** Closed would-be trades after which a result counts half. */
  ADAPTIVE_HALF_LIFE_TRADES: int(1, 10_000).default(20),
  /** weight ∝ exp(sensitivity × recent net R); 0 keeps every weight at 1. */
  ADAPTIVE_SENSITIVITY: num(0, 50).default(2),
  /** The would-be trades' max hold, as the position-closer's MAX_HOLD_MINUTES (give both the same). */
  MAX_HOLD_MINUTES: positive().default(60),
  /** The would-be trades' costs, as the closer's and the gateway's (TAKER_FEE_BPS, MAKER_FEE_BPS, SLIPPAGE_TICKS). */
  ...costsEnvShape,
  COOLDOWN_SECONDS: int(0, 86_400).default(900),
  MIN_RR: num(0.1, 20).default(R.minRr),
  LEVERAGE: int(1, 125).default(R.leverage),
  MAX_LEVERAGE: int(1, 125).default(R.maxLeverage),
  SL_ATR_MULT: num(0.01, 100).default(R.slAtrMult),
  TP_ATR_MULT: num(0.01, 100).default(R.tpAtrMult),
  ATR_PERIOD: int(2, 500).default(R.atrPeriod),
  SL_MIN_PCT: num(0, 50).default(R.slMinPct),
  SL_MAX_PCT: num(0.001, 50).default(R.slMaxPct),
  TP_MIN_PCT: num(0, 100).default(R.tpMinPct),
  TP_MAX_PCT: num(0.001, 100).default(R.tpMaxPct),

  EMA_FAST: int(2, 500).default(S.emaFast),
  EMA_SLOW: int(2, 1000).default(S.emaSlow),
  EMA_HOLD_CANDLES: int(1, 100).default(S.emaHoldCandles),
  RSI_PERIOD: int(2, 500).default(S.rsiPeriod),
  RSI_OVERSOLD: num(0, 100).default(S.rsiOversold),
  RSI_OVERBOUGHT: num(0, 100).default(S.rsiOverbought),
  BB_PERIOD: int(2, 500).default(S.bbPeriod),
  BB_STDDEV: num(0.1, 10).default(S.bbStdDev),
  MACD_FAST: int(2, 500).default(S.macdFast),
  MACD_SLOW: int(2, 1000).default(S.macdSlow),
  MACD_SIGNAL: int(2, 500).default(S.macdSignal),
  VWAP_DEVIATION_PCT: num(0.001, 50).default(S.vwapDeviationPct),
  VWAP_MIN_CANDLES: int(1, 10_000).default(S.vwapMinCandles),
  STOCH_K: int(2, 500).default(S.stochK),
  STOCH_SLOWING: int(1, 100).default(S.stochSlowing),
  STOCH_D: int(1, 100).default(S.stochD),
  STOCH_ZONE: num(1, 49).default(S.stochZone),
  VOLUME_PERIOD: int(2, 1000).default(S.volumePeriod),
  VOLUME_SPIKE_MULT: num(1, 100).default(S.volumeSpikeMult),
  VOLUME_MIN_IMBALANCE: num(0, 1).default(S.volumeMinImbalance),
});

type Env = z.infer<typeof generatorEnvSchema>;

export interface GeneratorConfig extends BaseConfig {
  symbols: string[];
  /** The feed's candle timeframe: what `market` carries and what exits are judged on. */
  timeframe: string;
  /** Timeframes the strategies decide on (SIGNAL_TIMEFRAMES), each a multiple of `timeframe`. */
  signalTimeframes: string[];
  marketSource: 'replay' | 'binance';
  replay: { files: string[]; speed: ReplaySpeed; warmupCandles: number; badRows: 'skip' | 'fail'; fromStart: boolean };
  tickSizes: Record<string, number>;
  liveWarmupCandles: number;
  feedStaleMs: number;
  /** This replica's name (logs, lease tokens) and how soon its symbols move to another replica if it dies. */
  replica: { name: string; shardLeaseMs: number };
  binance: ReturnType<typeof binanceOptionsFromEnv>;
  /** The adaptive consensus's settings, whether it is on or not (the walk-forward compares both). */
  adaptive: AdaptiveOptions;
  /** Everything the pipeline needs except the clock and tick lookup, which the caller wires. */
  pipeline: Omit<SignalPipelineOptions, 'clock' | 'tickSize'>;
}

/** What the signals of each market source are: only the exchange's live feed makes `live` ones. */
const SIGNAL_SOURCE: Record<GeneratorConfig['marketSource'], SignalSource> = { replay: 'replay', binance: 'live' };

/** Validates the environment; the error names every bad variable. */
export function loadConfig(env: RawEnv): GeneratorConfig {
  const e = parseEnv(generatorEnvSchema, env);
  const problems = crossChecks(e);
  if (problems.length) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  return toConfig(e);
}

function crossChecks(e: Env): string[] {
  const p: string[] = [];
  const unknown = e.STRATEGIES.filter((s) => !STRATEGY_NAMES.includes(s));
  if (unknown.length) p.push(`STRATEGIES: unknown ${unknown.join(', ')} (known: ${STRATEGY_NAMES.join(', ')})`);
  if (e.MIN_STRATEGIES_AGREE > e.STRATEGIES.length) p.push(`MIN_STRATEGIES_AGREE: ${e.MIN_STRATEGIES_AGREE} is more than the ${e.STRATEGIES.length} strategies enabled`);
  if (e.EMA_FAST >= e.EMA_SLOW) p.push('EMA_FAST: must be below EMA_SLOW');
  if (e.MACD_FAST >= e.MACD_SLOW) p.push('MACD_FAST: must be below MACD_SLOW');
  if (e.RSI_OVERSOLD >= e.RSI_OVERBOUGHT) p.push('RSI_OVERSOLD: must be below RSI_OVERBOUGHT');
  if (e.SL_MIN_PCT > e.SL_MAX_PCT) p.push('SL_MIN_PCT: must not exceed SL_MAX_PCT');
  if (e.TP_MIN_PCT > e.TP_MAX_PCT) p.push('TP_MIN_PCT: must not exceed TP_MAX_PCT');
  if (e.LEVERAGE > e.MAX_LEVERAGE) p.push(`LEVERAGE: ${e.LEVERAGE} exceeds MAX_LEVERAGE ${e.MAX_LEVERAGE}`);
  const tfProblem = signalTimeframesProblem(e.SIGNAL_TIMEFRAMES ?? [e.TIMEFRAME], e.TIMEFRAME);
  if (tfProblem) p.push(`SIGNAL_TIMEFRAMES: ${tfProblem}`);
  return p;
}

function toConfig(e: Env): GeneratorConfig {
  const strategyParams: StrategyParams = {
    emaFast: e.EMA_FAST, emaSlow: e.EMA_SLOW, emaHoldCandles: e.EMA_HOLD_CANDLES,
    rsiPeriod: e.RSI_PERIOD, rsiOversold: e.RSI_OVERSOLD, rsiOverbought: e.RSI_OVERBOUGHT,
    bbPeriod: e.BB_PERIOD, bbStdDev: e.BB_STDDEV,
    macdFast: e.MACD_FAST, macdSlow: e.MACD_SLOW, macdSignal: e.MACD_SIGNAL,
    vwapDeviationPct: e.VWAP_DEVIATION_PCT, vwapMinCandles: e.VWAP_MIN_CANDLES,
    stochK: e.STOCH_K, stochSlowing: e.STOCH_SLOWING, stochD: e.STOCH_D, stochZone: e.STOCH_ZONE,
    volumePeriod: e.VOLUME_PERIOD, volumeSpikeMult: e.VOLUME_SPIKE_MULT, volumeMinImbalance: e.VOLUME_MIN_IMBALANCE,
  };
  const risk: RiskParams = {
    slAtrMult: e.SL_ATR_MULT, tpAtrMult: e.TP_ATR_MULT, atrPeriod: e.ATR_PERIOD,
    slMinPct: e.SL_MIN_PCT, slMaxPct: e.SL_MAX_PCT, tpMinPct: e.TP_MIN_PCT, tpMaxPct: e.TP_MAX_PCT,
    minRr: e.MIN_RR, leverage: e.LEVERAGE, maxLeverage: e.MAX_LEVERAGE,
  };
  const consensus: ConsensusOptions = { minStrategiesAgree: e.MIN_STRATEGIES_AGREE, minConfidence: e.MIN_CONFIDENCE };
  const adaptive: AdaptiveOptions = {
    halfLifeTrades: e.ADAPTIVE_HALF_LIFE_TRADES,
    sensitivity: e.ADAPTIVE_SENSITIVITY,
    costs: costModelFromEnv(e),
    maxHoldMs: Math.round(e.MAX_HOLD_MINUTES * 60_000),
  };
  return {
    ...baseConfigFromEnv(e),
    symbols: e.SYMBOLS,
    timeframe: e.TIMEFRAME,
    signalTimeframes: e.SIGNAL_TIMEFRAMES ?? [e.TIMEFRAME],
    marketSource: e.MARKET_SOURCE,
    replay: { files: e.REPLAY_FILES, speed: e.REPLAY_SPEED, warmupCandles: e.REPLAY_WARMUP_CANDLES, badRows: e.REPLAY_BAD_ROWS, fromStart: e.REPLAY_FROM_START },
    tickSizes: e.TICK_SIZES,
    liveWarmupCandles: e.LIVE_WARMUP_CANDLES,
    feedStaleMs: e.FEED_STALE_SECONDS * 1000,
    replica: { name: e.CONSUMER_NAME, shardLeaseMs: e.SHARD_LEASE_MS },
    binance: binanceOptionsFromEnv(e),
    adaptive,
    pipeline: {
      strategies: e.STRATEGIES,
      strategyParams,
      risk,
      consensus,
      ...(e.ADAPTIVE_CONSENSUS ? { adaptive } : {}),
      cooldownMs: e.COOLDOWN_SECONDS * 1000,
      strategyName: e.STRATEGY_NAME,
      source: SIGNAL_SOURCE[e.MARKET_SOURCE],
    },
  };
}

/**
 * Why these signal timeframes cannot be built from `feed` candles (undefined when they can): each
 * a whole multiple of the feed's, dividing a day (bars align to UTC midnight), listed once.
 */
export function signalTimeframesProblem(timeframes: readonly string[], feed: string): string | undefined {
  const feedMs = safe(() => timeframeMs(feed)) ? timeframeMs(feed) : undefined;
  for (const tf of timeframes) {
    if (!safe(() => timeframeMs(tf))) return `'${tf}' is not a timeframe like 1m, 5m or 15m`;
    const ms = timeframeMs(tf);
    if (feedMs !== undefined && ms % feedMs !== 0) return `${tf} is not a whole multiple of the ${feed} feed candles (TIMEFRAME)`;
    if (86_400_000 % ms !== 0) return `${tf} does not divide a day into whole bars`;
  }
  const dup = timeframes.find((tf, i) => timeframes.indexOf(tf) !== i);
  return dup === undefined ? undefined : `${dup} is listed twice`;
}

function safe(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}
