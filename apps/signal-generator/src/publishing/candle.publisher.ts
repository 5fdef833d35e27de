import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { Candle, CandleSchema, STREAMS } from '@app/contracts';
import { InterruptibleDelay, StreamPublisher } from '@app/redis-streams';
import { GENERATOR_REDIS } from '../tokens';
import { publishWithRetry } from './publish-retry';

/** Writes each closed candle to the capped `market` stream (MAXLEN ~ STREAM_MAXLEN.market). */
@Injectable()
export class CandlePublisher {
  private readonly publisher: StreamPublisher;
  private readonly delay = new InterruptibleDelay();
  private closing = false;

  constructor(@Inject(GENERATOR_REDIS) redis: Redis) {
    this.publisher = new StreamPublisher(redis);
  }

  publish(candle: Candle): Promise<string | undefined> {
    return publishWithRetry(`candle ${candle.symbol}`, () => this.publisher.publish(STREAMS.market, CandleSchema, candle), () => this.closing, this.delay);
  }

  close(): void {
    this.closing = true;
    this.delay.wake();
  }
}
