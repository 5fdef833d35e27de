import { Inject, Injectable } from '@nestjs/common';
import { MarketEntrySchema, STREAMS, type MarketEntry } from '@app/contracts';
import { lastStreamId, readTail, RebuildThenFollow, RedisConnections, StreamReader, type FollowingReader } from '@app/redis-streams';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';
import { MarketReadModel } from './market-read-model.service';

/**
 * Keeps the last candles per symbol: the newest MARKET_LOAD_ENTRIES entries of `market` are read
 * backwards at start (candles and the signals between them; signals are skipped here, the signal
 * read model has them), then the stream is followed from the newest one. Redis down at start:
 * retried with backoff while `/api/market/*` answers 503.
 */
@Injectable()
export class MarketConsumer extends RebuildThenFollow<string> {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    connections: RedisConnections,
    private readonly readModel: MarketReadModel,
  ) {
    super('market-consumer', readModel, connections);
  }

  /** Adds the candles among the stream's newest entries, oldest first; returns the id to follow after. */
  protected async rebuild(): Promise<string> {
    const tail = await lastStreamId(this.redis, STREAMS.market);
    const entries = await readTail(this.redis, { stream: STREAMS.market, schema: MarketEntrySchema, reader: 'api-gateway-rebuild', count: this.config.market.loadEntries, until: tail });
    let candles = 0;
    for (const { payload } of entries) {
      if (payload.kind !== 'candle') continue;
      this.readModel.candles.add(payload);
      candles++;
    }
    this.log.info({ candles }, 'loaded recent candles from the market stream');
    return tail;
  }

  protected follow(from: string): FollowingReader[] {
    const reader = new StreamReader<MarketEntry>({
      stream: STREAMS.market,
      schema: MarketEntrySchema,
      connection: this.connections.create('api-gateway:market-reader'),
      startId: from,
      name: 'api-gateway-market',
      handle: (entries) => {
        for (const e of entries) if (e.payload.kind === 'candle') this.readModel.candles.add(e.payload);
      },
    });
    reader.start();
    return [reader];
  }
}
