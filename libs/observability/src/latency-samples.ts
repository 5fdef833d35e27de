import type Redis from 'ioredis';

/** A sample as `record` writes it: seconds, never negative. */
const SAMPLE = /^\d{1,9}(\.\d{1,9})?$/;

/** p50/p99 in ms of a stage's recent samples, and how many were recorded in all. */
export interface LatencySummary {
  count: number;
  p50_ms: number | null;
  p99_ms: number | null;
}

export interface LatencySamplesOptions {
  /** The Redis list of recent samples (seconds, newest first); `<key>:count` counts them all. */
  key: string;
  /** Samples kept. Default 1000, as the gateway keeps for its own stages. */
  max?: number;
}

/**
 * A delivery stage's recent samples in Redis. The generator and the notifier measure their stages
 * (candle close → signal on the stream, stream → Telegram accepted) in processes the gateway does
 * not run in; each replica adds to one list, so the gateway's /api/stats reports the whole fleet's
 * figure beside its own. Prometheus keeps the full histograms; this is the last `max` samples,
 * for exact percentiles in a JSON answer. One LPUSH/LTRIM/INCRBY per sample, or per batch of
 * samples (`recordMany`): stages see one sample per signal (per chat for Telegram), never per candle.
 */
export class LatencySamples {
  private readonly max: number;

  constructor(
    private readonly redis: Redis,
    private readonly opts: LatencySamplesOptions,
  ) {
    this.max = opts.max ?? 1000;
  }

  async record(seconds: number): Promise<void> {
    await this.recordMany([seconds]);
  }

  /**
   * Several samples in one transaction, as if recorded one by one in this order: the notifier
   * records the signals one Telegram message carried together (a digest carries up to ~30).
   */
  async recordMany(seconds: readonly number[]): Promise<void> {
    if (!seconds.length) return;
    // A clock step between hosts can make a delay negative; it still counts as "no delay".
    const values = seconds.map((s) => Math.max(0, s).toFixed(4));
    await this.redis.multi().lpush(this.opts.key, ...values).ltrim(this.opts.key, 0, this.max - 1).incrby(`${this.opts.key}:count`, values.length).exec();
  }

  /** An entry that is not a number (written by hand, a bug) is skipped, not a reason to fail. */
  async summary(): Promise<LatencySummary> {
    const replies = (await this.redis.multi().lrange(this.opts.key, 0, this.max - 1).get(`${this.opts.key}:count`).exec()) ?? [];
    const list: unknown = replies[0]?.[1];
    const count: unknown = replies[1]?.[1];
    const sorted = (Array.isArray(list) ? (list as unknown[]) : [])
      .filter((v): v is string => typeof v === 'string' && SAMPLE.test(v))
      .map(Number)
      .sort((a, b) => a - b);
    return { count: Number(count) || 0, p50_ms: quantileMs(sorted, 0.5), p99_ms: quantileMs(sorted, 0.99) };
  }
}

/** Nearest-rank quantile of seconds sorted ascending, in ms to 0.1 ms; null without samples. */
export function quantileMs(sorted: readonly number[], q: number): number | null {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round(sorted[i] * 10_000) / 10;
}
