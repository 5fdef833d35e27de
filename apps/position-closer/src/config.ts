import { hostname } from 'node:os';
import { z } from 'zod';
import { ConfigError, parseEnv } from '@app/observability';
import { redisEnvSchema, registerRedisSecrets } from '@app/redis-streams';
import { costModelFromEnv, costsEnvShape, type CostModel } from '@app/trading';
import type { PositionSizing } from './positions/position-sizing';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const positive = z.coerce.number().finite().positive();
/** Empty strings count as unset (compose passes `RISK_PCT=` when it is not configured). */
const optionalPositive = z.preprocess((v) => (v === '' ? undefined : v), positive.optional());

/** Every setting of the position-closer; the only place that reads `process.env` for it. */
export const closerEnvSchema = redisEnvSchema
  .extend({
    PORT: int(0, 65535).default(9102),
    HOST: z.string().min(1).default('0.0.0.0'),
    /** Quote-currency (USDT) size of each tracked position, unless RISK_PCT is set. */
    POSITION_NOTIONAL: positive.default(1000),
    /** Percent of ACCOUNT_BALANCE risked to the stop; when set it replaces POSITION_NOTIONAL. */
    RISK_PCT: z.preprocess((v) => (v === '' ? undefined : v), positive.max(100, 'RISK_PCT must be at most 100').optional()),
    ACCOUNT_BALANCE: optionalPositive,
    /** A position still open this long is closed at the last price (fractions allowed). */
    MAX_HOLD_MINUTES: positive.default(60),
    /** Stable per replica, so a restarted replica re-reads the signals it had not finished. */
    CONSUMER_NAME: z.string().min(1).max(200).default(hostname()),
    /** `market` entries pending this long with a dead replica are taken over (the others wait for them). */
    CLAIM_IDLE_MS: int(1000, 3_600_000).default(30_000),
    CLAIM_INTERVAL_MS: int(100, 600_000).default(5000),
    /** How often BullMQ workers look for jobs a dead replica left active. */
    STALLED_INTERVAL_MS: int(100, 600_000).default(30_000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Fees and slippage priced into each `closed` event's net fields (TAKER_FEE_BPS, MAKER_FEE_BPS, SLIPPAGE_TICKS). */
    ...costsEnvShape,
  })
  .superRefine((env, ctx) => {
    if (env.RISK_PCT !== undefined && env.ACCOUNT_BALANCE === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ACCOUNT_BALANCE'], message: 'ACCOUNT_BALANCE is required when RISK_PCT is set' });
    }
  });

export type CloserEnv = z.infer<typeof closerEnvSchema>;

export interface CloserConfig extends CloserEnv {
  sizing: PositionSizing;
  maxHoldMs: number;
  costs: CostModel;
}

export { ConfigError };

/** Validates the environment; the error names every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): CloserConfig {
  const e = parseEnv(closerEnvSchema, env);
  registerRedisSecrets(e.REDIS_URL);
  const sizing: PositionSizing =
    e.RISK_PCT !== undefined && e.ACCOUNT_BALANCE !== undefined
      ? { kind: 'risk', riskPct: e.RISK_PCT, accountBalance: e.ACCOUNT_BALANCE }
      : { kind: 'notional', notional: e.POSITION_NOTIONAL };
  return { ...e, sizing, maxHoldMs: Math.round(e.MAX_HOLD_MINUTES * 60_000), costs: costModelFromEnv(e) };
}
