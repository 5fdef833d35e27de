import type { Liveness, Running } from '@app/observability';
import type { MarketDataSource } from '../market-data/market-data-source';

/** `settling`: a replay read to its end, waiting for the replicas holding some of its symbols to publish past it. */
export type FeedState = 'starting' | 'running' | 'settling' | 'finished' | 'failed';

/**
 * Liveness of the market feed: up while connected and a candle arrived within `staleMs` (or,
 * before the first candle, within `staleMs` of start); up after a replay has played to its end
 * (nothing is wrong, there is just no more data) or is settling; down when it failed or stalled.
 */
export class FeedLiveness implements Liveness, Running {
  state: FeedState = 'starting';
  error: string | undefined;
  private readonly startedAt: number;

  constructor(
    private readonly source: MarketDataSource,
    private readonly staleMs: number,
    private readonly now: () => number = Date.now,
    /** How long publishes have waited without progress (a Redis outage); 0 when none wait. */
    private readonly publishStalledMs: () => number = () => 0,
  ) {
    this.startedAt = now();
  }

  /** Seconds since the last candle (or since start when none yet). */
  ageSeconds(): number {
    return (this.now() - (this.source.lastCandleAt ?? this.startedAt)) / 1000;
  }

  isLive(): boolean {
    if (this.state === 'finished' || this.state === 'settling') return true;
    if (this.state === 'failed') return false;
    if (this.publishStalledMs() > this.staleMs) return false;
    return this.source.connected || this.state === 'starting' ? this.ageSeconds() * 1000 <= this.staleMs : false;
  }

  /**
   * The feed loop goes on: only a failed feed is dead. A stalled one is not ready but alive: the
   * live source reconnects by itself, and publishing waits while Redis is down (back-pressure).
   */
  isRunning(): boolean {
    return this.state !== 'failed';
  }

  describe(): Record<string, unknown> {
    const stalledMs = this.publishStalledMs();
    return {
      state: this.state,
      connected: this.source.connected,
      last_candle_age_seconds: Math.round(this.ageSeconds() * 10) / 10,
      ...(stalledMs > 0 ? { publish_stalled_seconds: Math.round(stalledMs / 100) / 10 } : {}),
      ...(this.error ? { error: this.error } : {}),
    };
  }
}
