import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { ProducedSignal, ProducedSignalSchema, STREAM_GROUPS, STREAMS } from '@app/contracts';
import { ensureGroup, InterruptibleDelay, StreamPublisher } from '@app/redis-streams';
import { GENERATOR_REDIS } from '../tokens';
import { publishWithRetry } from './publish-retry';

/** Writes fused signals to `signals`, validated by the contract schema (provenance included). */
@Injectable()
export class SignalPublisher {
  private readonly publisher: StreamPublisher;
  private readonly delay = new InterruptibleDelay();
  private closing = false;

  constructor(@Inject(GENERATOR_REDIS) private readonly redis: Redis) {
    this.publisher = new StreamPublisher(redis);
  }

  /** Creates the consumer groups of `signals` first, so a consumer started later misses nothing. */
  async ensureGroups(): Promise<void> {
    for (const group of STREAM_GROUPS[STREAMS.signals] ?? []) await ensureGroup(this.redis, STREAMS.signals, group);
  }

  /** Returns the stream id, or undefined if shutdown interrupted the retries. */
  publish(signal: ProducedSignal): Promise<string | undefined> {
    return publishWithRetry(`signal ${signal.symbol}`, () => this.publisher.publish(STREAMS.signals, ProducedSignalSchema, signal), () => this.closing, this.delay);
  }

  close(): void {
    this.closing = true;
    this.delay.wake();
  }
}
