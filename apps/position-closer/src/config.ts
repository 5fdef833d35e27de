import { POSITIONS_HISTORY_DEFAULT } from '@app/contracts';
import { baseConfigFromEnv, baseEnvSchema, int, parseEnv, positive, unsetIfEmpty, type BaseConfig, type Env, jobRetentionEnvShape, jobRetentionFromEnv, type JobRetention, replicaEnvShape } from '@app/config';
import { costModelFromEnv, costsEnvShape, type CostModel } from '@app/trading';
import type { PositionSizing } from './positions/position-sizing';

/** Every setting of the position-closer; main.ts loads it once and nothing else reads `process.env`. */
export const closerEnvSchema = baseEnvSchema(9102)
  .extend({
    /** Quote-currency (USDT) size of each tracked position, unless RISK_PCT is set. */
    POSITION_NOTIONAL: positive().default(1000),
    /** Percent of ACCOUNT_BALANCE risked to the stop; when set it replaces POSITION_NOTIONAL. Empty counts as unset. */
    RISK_PCT: unsetIfEmpty(positive().max(100, 'RISK_PCT must be at most 100').optional()),
    ACCOUNT_BALANCE: unsetIfEmpty(positive().optional()),
    /** A position still open this long is closed at the last price (fractions allowed). */
    MAX_HOLD_MINUTES: positive().default(60),
    /** CONSUMER_NAME, and SHARD_LEASE_MS: how soon a dead replica's `market` shards move to the others. */
    ...replicaEnvShape,
    /** How often BullMQ workers look for jobs a dead replica left active. */
    STALLED_INTERVAL_MS: int(100, 600_000).default(30_000),
    /** How long the max-hold queue keeps finished job records (JOBS_KEEP_*). */
    ...jobRetentionEnvShape,
    /**
     * Closed positions the `positions` stream keeps (besides every open position's `opened`
     * event): the history a gateway started later rebuilds. Give the gateway the same value.
     */
    POSITIONS_HISTORY_MAX: int(1, 1_000_000).default(POSITIONS_HISTORY_DEFAULT),
    /** Fees and slippage priced into each `closed` event's net fields (TAKER_FEE_BPS, MAKER_FEE_BPS, SLIPPAGE_TICKS). */
    ...costsEnvShape,
  })
  .superRefine((env, ctx) => {
    if (env.RISK_PCT !== undefined && env.ACCOUNT_BALANCE === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ACCOUNT_BALANCE'], message: 'ACCOUNT_BALANCE is required when RISK_PCT is set' });
    }
  });

export interface CloserConfig extends BaseConfig {
  sizing: PositionSizing;
  maxHoldMs: number;
  costs: CostModel;
  consumer: { name: string; shardLeaseMs: number };
  queue: { stalledIntervalMs: number; retention: JobRetention };
  /** Closed positions whose events the `positions` stream keeps. */
  positionsHistoryMax: number;
}

/** Validates the environment; the error names every bad variable. */
export function loadConfig(env: Env): CloserConfig {
  const e = parseEnv(closerEnvSchema, env);
  const sizing: PositionSizing =
    e.RISK_PCT !== undefined && e.ACCOUNT_BALANCE !== undefined
      ? { kind: 'risk', riskPct: e.RISK_PCT, accountBalance: e.ACCOUNT_BALANCE }
      : { kind: 'notional', notional: e.POSITION_NOTIONAL };
  return {
    ...baseConfigFromEnv(e),
    sizing,
    maxHoldMs: Math.round(e.MAX_HOLD_MINUTES * 60_000),
    consumer: { name: e.CONSUMER_NAME, shardLeaseMs: e.SHARD_LEASE_MS },
    queue: { stalledIntervalMs: e.STALLED_INTERVAL_MS, retention: jobRetentionFromEnv(e) },
    positionsHistoryMax: e.POSITIONS_HISTORY_MAX,
    costs: costModelFromEnv(e),
  };
}
