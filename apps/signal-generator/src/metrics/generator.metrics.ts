import { counter, gauge, histogram } from '@app/observability';

/**
 * Candles and votes are counted in plain maps and copied into their counters when Prometheus
 * scrapes (as the gateway's http_requests_total): a burst of closes of the whole market hashed
 * the labels of eight increments per candle, ~4 % of the live generator's CPU (bench:live profile).
 */
const candleCounts = new Map<string, number>();
const voteCounts = new Map<string, { labels: { strategy: string; direction: string; timeframe: string }; n: number }>();

export function countCandle(symbol: string): void {
  candleCounts.set(symbol, (candleCounts.get(symbol) ?? 0) + 1);
}

export function countVote(strategy: string, direction: string, timeframe: string): void {
  const key = `${timeframe} ${strategy} ${direction}`;
  const counted = voteCounts.get(key);
  if (counted) counted.n++;
  else voteCounts.set(key, { labels: { strategy, direction, timeframe }, n: 1 });
}

/** The signal-generator's own series (declared get-or-create, see @app/observability). */
export const generatorMetrics = {
  candles: counter({
    name: 'signal_generator_candles_total',
    help: 'Closed candles processed',
    labelNames: ['symbol'] as const,
    collect() {
      this.reset();
      for (const [symbol, n] of candleCounts) this.inc({ symbol }, n);
    },
  }),
  signals: counter({ name: 'signal_generator_signals_total', help: 'Signals published to the signals stream, by metadata.source (live or replay) and timeframe', labelNames: ['symbol', 'direction', 'source', 'timeframe'] as const }),
  votes: counter({
    name: 'signal_generator_votes_total',
    help: 'Strategy votes, NONE included, per signal timeframe',
    labelNames: ['strategy', 'direction', 'timeframe'] as const,
    collect() {
      this.reset();
      for (const { labels, n } of voteCounts.values()) this.inc(labels, n);
    },
  }),
  latency: histogram({
    name: 'signal_generator_candle_to_signal_seconds',
    help: 'From candle close (live) or its delivery by the replay to the signal being on the stream',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
  alreadyDecided: counter({
    name: 'signal_generator_already_decided_candles_total',
    help: 'Candles this replica did not publish because their decision is already on the streams (restart, resume, or another replica); by: checkpoint (known before the candle came), replica (published by the replica holding the symbol) or redis (refused by the atomic publish)',
    labelNames: ['symbol', 'by'] as const,
  }),
  shardHeld: gauge({ name: 'signal_generator_shard_held', help: '1 for each symbol shard (GENERATOR_SHARDS) this replica holds and publishes, 0 otherwise', labelNames: ['shard'] as const }),
  symbolsHeld: gauge({ name: 'signal_generator_symbols_held', help: 'Symbols this replica publishes now (the others it decides as a standby)' }),
  standbyDecisions: gauge({ name: 'signal_generator_standby_decisions', help: 'Decisions made by this replica and not yet known to be on the streams (a standby keeps them until the holder publishes past them)' }),
  standbyDropped: counter({ name: 'signal_generator_standby_dropped_total', help: 'Standby decisions given up beyond the per-symbol bound while the holder made no progress: a takeover could not publish them', labelNames: ['symbol'] as const }),
  fencedPublishes: counter({ name: 'signal_generator_publishes_fenced_total', help: "Publishes refused because this replica no longer held the symbol's shard (another replica publishes it)", labelNames: ['symbol'] as const }),
  invalidSignals: counter({ name: 'signal_generator_invalid_signals_total', help: 'Signals the contract schema refused (a bug); skipped' }),
  badRows: counter({ name: 'signal_generator_replay_bad_rows_total', help: 'Replay CSV rows skipped as invalid' }),
  feedConnected: gauge({ name: 'signal_generator_feed_connected', help: '1 while the market feed is connected/producing' }),
  lastCandleAge: gauge({ name: 'signal_generator_last_candle_age_seconds', help: 'Seconds since the feed last delivered a closed candle' }),
};
