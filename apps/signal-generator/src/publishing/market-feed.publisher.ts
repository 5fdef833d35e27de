import { Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { STREAM_GROUPS, STREAMS, type Candle, type ProducedSignal } from '@app/contracts';
import { ensureGroup, InterruptibleDelay, MarketPublisher, RedisConnections, type Fence, type MarketAppend } from '@app/redis-streams';
import { publishWithRetry } from './publish-retry';

/**
 * Writes each closed candle and the signal made on it to `market` in one atomic step (the
 * signal also to `signals`), retrying through Redis blips (publishWithRetry).
 */
@Injectable()
export class MarketFeedPublisher {
  private readonly publisher: MarketPublisher;
  private readonly delay = new InterruptibleDelay();
  private closing = false;

  private readonly redis: Redis;

  constructor(connections: RedisConnections) {
    this.redis = connections.command;
    this.publisher = new MarketPublisher(this.redis);
  }

  /** Creates the consumer groups of both streams first, so a consumer started later misses nothing. */
  async ensureGroups(): Promise<void> {
    for (const stream of [STREAMS.signals, STREAMS.market]) {
      for (const group of STREAM_GROUPS[stream] ?? []) await ensureGroup(this.redis, stream, group);
    }
  }

  /**
   * The ids written; `duplicate` when `decidedKey` says this candle's decision is already on the
   * streams (nothing written); undefined if shutdown interrupted the retries. A retry after a
   * reply lost in a Redis blip therefore cannot write the candle twice. `signals` are the
   * decisions made on this candle, one at most per signal timeframe, in the order given. Throws
   * FENCED (isFenced), without retrying, once `fence` is no longer held.
   */
  publish(decidedKey: string, candle: Candle, signals: ProducedSignal[], fence: Fence): Promise<MarketAppend | 'duplicate' | undefined> {
    return publishWithRetry(
      `candle ${candle.symbol}`,
      async () => (await this.publisher.publishOnce(decidedKey, candle, signals, fence)) ?? ('duplicate' as const),
      () => this.closing,
      this.delay,
    );
  }

  /** The open time of the last candle published under each key (absent: none yet). */
  async checkpoints(keys: string[]): Promise<(number | undefined)[]> {
    if (keys.length === 0) return [];
    return (await this.redis.mget(...keys)).map((v) => (v === null ? undefined : Number(v)));
  }

  /** Forgets the checkpoints: the next run publishes every candle's decision again. */
  async resetCheckpoints(keys: string[]): Promise<void> {
    if (keys.length) await this.redis.del(...keys);
  }

  close(): void {
    this.closing = true;
    this.delay.wake();
  }
}
