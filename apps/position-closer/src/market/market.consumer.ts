import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { GROUPS, MarketEntrySchema, STREAMS, type MarketEntry } from '@app/contracts';
import { ConsumerGroupReader, type DecodedEntry, LoopHost, RedisConnections, registerGroupLagMetrics } from '@app/redis-streams';
import type { CloserConfig } from '../config';
import { CLOSER_CONFIG } from '../tokens';
import { CandleHandler } from './candle.handler';
import { SignalHandler } from './signal.handler';

/**
 * The `position-closer` consumer group on `market`, the generator's one ordered sequence of
 * candles and the signals made on them. Read in order across replicas (`ordered`): a candle is
 * judged only after every signal written before it has opened or reversed its position, and a
 * signal only after every earlier candle has had its chance to close one, which is the order a
 * single pass over the market gives.
 */
@Injectable()
export class MarketConsumer extends LoopHost implements OnApplicationBootstrap {
  constructor(
    private readonly connections: RedisConnections,
    private readonly candles: CandleHandler,
    private readonly signals: SignalHandler,
    @Inject(CLOSER_CONFIG) private readonly config: CloserConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    registerGroupLagMetrics(this.connections.command, STREAMS.market, GROUPS.positionCloser);
    const reader = new ConsumerGroupReader<MarketEntry>({
      stream: STREAMS.market,
      group: GROUPS.positionCloser,
      consumer: this.config.consumer.name,
      schema: MarketEntrySchema,
      connection: this.connections.create('position-closer:market'),
      claimIdleMs: this.config.consumer.claimIdleMs,
      claimIntervalMs: this.config.consumer.claimIntervalMs,
      ordered: true,
      // Short blocks: the reader reports live within a second of starting.
      blockMs: 1000,
      // A group created by the closer itself starts at the beginning: producers normally create
      // it first (STREAM_GROUPS), and signals written before the closer ever ran still count.
      groupStartId: '0',
      handle: (entry) => this.handle(entry),
    });
    reader.start();
    this.hosted = reader;
  }

  handle({ payload }: DecodedEntry<MarketEntry>): Promise<void> {
    switch (payload.kind) {
      case 'candle':
        return this.candles.handle(payload);
      case 'signal':
        return this.signals.handle(payload.signal_id, payload.signal);
    }
  }
}
