import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { STREAM_GROUPS, STREAMS, type Candle, type ProducedSignal } from '@app/contracts';
import { ensureGroup, InterruptibleDelay, MarketPublisher, type MarketAppend } from '@app/redis-streams';
import { GENERATOR_REDIS } from '../tokens';
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

  constructor(@Inject(GENERATOR_REDIS) private readonly redis: Redis) {
    this.publisher = new MarketPublisher(redis);
  }

  /** Creates the consumer groups of both streams first, so a consumer started later misses nothing. */
  async ensureGroups(): Promise<void> {
    for (const stream of [STREAMS.signals, STREAMS.market]) {
      for (const group of STREAM_GROUPS[stream] ?? []) await ensureGroup(this.redis, stream, group);
    }
  }

  /** The ids written, or undefined if shutdown interrupted the retries. */
  publish(candle: Candle, signal: ProducedSignal | undefined): Promise<MarketAppend | undefined> {
    return publishWithRetry(`candle ${candle.symbol}`, () => this.publisher.publish(candle, signal ? [signal] : []), () => this.closing, this.delay);
  }

  close(): void {
    this.closing = true;
    this.delay.wake();
  }
}
