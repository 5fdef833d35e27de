import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { MarketEntrySchema, STREAMS, type MarketEntry } from '@app/contracts';
import { getLogger, type Liveness, type Running } from '@app/observability';
import { errMessage, InterruptibleDelay, lastStreamId, readTail, RedisConnections, retryUntilClosed, StreamReader } from '@app/redis-streams';
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
export class MarketConsumer implements OnApplicationBootstrap, OnModuleDestroy, Liveness, Running {
  private readonly log = getLogger('market-consumer');
  private reader: StreamReader<MarketEntry> | undefined;
  private closing = false;
  private readonly delay = new InterruptibleDelay();
  private starting: Promise<void> | undefined;
  /** The shared command connection, for the load. */
  private readonly redis: Redis;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly connections: RedisConnections,
    private readonly readModel: MarketReadModel,
  ) {
    this.redis = connections.command;
  }

  onApplicationBootstrap(): void {
    this.starting = this.startWithRetry();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.delay.wake();
    await this.starting;
    await this.reader?.close();
  }

  isLive(): boolean {
    return this.readModel.ready && !this.closing && (this.reader?.isLive() ?? false);
  }

  isRunning(): boolean {
    if (this.closing || this.starting === undefined) return false;
    return this.reader ? this.reader.isRunning() : true;
  }

  describe(): Record<string, unknown> {
    return this.reader ? this.reader.describe() : { state: 'loading from Redis' };
  }

  private startWithRetry(): Promise<void> {
    return retryUntilClosed(
      async () => {
        const from = await this.load();
        if (this.closing) return;
        this.follow(from);
        this.readModel.markLoaded();
      },
      {
        isClosing: () => this.closing,
        delay: this.delay,
        onError: (err, retryInMs) => this.log.warn({ err: errMessage(err), retry_in_ms: retryInMs }, 'market load from Redis failed; retrying'),
      },
    );
  }

  /** Adds the candles among the stream's newest entries, oldest first; returns the id to follow after. */
  private async load(): Promise<string> {
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

  private follow(from: string): void {
    this.reader = new StreamReader<MarketEntry>({
      stream: STREAMS.market,
      schema: MarketEntrySchema,
      connection: this.connections.create('api-gateway:market-reader'),
      startId: from,
      name: 'api-gateway-market',
      handle: (entries) => {
        for (const e of entries) if (e.payload.kind === 'candle') this.readModel.candles.add(e.payload);
      },
    });
    this.reader.start();
  }
}
