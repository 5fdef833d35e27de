import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { GROUPS, KEYS, MARKET_SHARDS, MarketEntrySchema, STREAMS, type MarketEntry } from '@app/contracts';
import { type DecodedEntry, type Fence, LoopHost, RedisConnections, ShardedStreamReader } from '@app/redis-streams';
import type { CloserConfig } from '../config';
import { CLOSER_CONFIG } from '../tokens';
import { CandleHandler } from './candle.handler';
import { SignalHandler } from './signal.handler';

/**
 * The closer's read of `market`, the generator's one ordered sequence of candles and the signals
 * made on them, sharded by symbol across replicas (ShardedStreamReader): each symbol's entries
 * are handled in stream order by the one replica holding its shard, so a candle is judged only
 * after every signal written before it has opened or reversed its position, and a signal only
 * after every earlier candle had its chance to close one: the order a single pass gives. Other
 * symbols go on in parallel on other replicas.
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
    const reader = new ShardedStreamReader<MarketEntry>({
      stream: STREAMS.market,
      name: GROUPS.positionCloser,
      schema: MarketEntrySchema,
      keyOf: (e) => (e.kind === 'candle' ? e.symbol : e.signal.symbol),
      shards: MARKET_SHARDS,
      keyPrefix: KEYS.closerShards,
      deadLetterStream: KEYS.closerDeadLetters,
      consumer: this.config.consumer.name,
      connection: this.connections.create('position-closer:market'),
      commands: this.connections.command,
      leaseMs: this.config.consumer.shardLeaseMs,
      handle: (entry, fence) => this.handle(entry, fence),
    });
    reader.start();
    this.hosted = reader;
  }

  handle({ payload }: DecodedEntry<MarketEntry>, fence?: Fence): Promise<void> {
    switch (payload.kind) {
      case 'candle':
        return this.candles.handle(payload, fence);
      case 'signal':
        return this.signals.handle(payload.signal_id, payload.signal, fence);
    }
  }
}
