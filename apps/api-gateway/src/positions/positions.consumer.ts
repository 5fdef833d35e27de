import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  CloseRequestSchema,
  KEYS,
  PositionEventSchema,
  STREAMS,
  type CloseRequest,
  type PositionEvent,
} from '@app/contracts';
import { getLogger, type Liveness, type Running } from '@app/observability';
import { errMessage, InterruptibleDelay, lastStreamId, readRange, RedisConnections, retryUntilClosed, StreamReader } from '@app/redis-streams';
import { PositionsReadModel } from './positions-read-model.service';

const PAGE = 1000;

interface ResumePoints {
  positions: string;
  closeRequests: string;
}

/**
 * Materialises positions: the `positions` stream's tail id is taken first, then the state hash
 * (every position's latest event) is loaded, then the stream is followed from that id, so an
 * event written during the load is applied (idempotently) rather than missed. Close requests
 * are loaded from their capped stream and followed the same way. Redis down at start: retried
 * with backoff while the endpoints answer 503.
 */
@Injectable()
export class PositionsConsumer implements OnApplicationBootstrap, OnModuleDestroy, Liveness, Running {
  private readonly log = getLogger('positions-consumer');
  private readers: StreamReader<unknown>[] = [];
  private closing = false;
  private readonly delay = new InterruptibleDelay();
  private starting: Promise<void> | undefined;
  /** The shared command connection, for the rebuild's reads. */
  private readonly redis: Redis;

  constructor(
    private readonly connections: RedisConnections,
    private readonly readModel: PositionsReadModel,
  ) {
    this.redis = connections.command;
  }

  onApplicationBootstrap(): void {
    // Not awaited: the signals endpoints need not wait for positions (these answer 503 meanwhile).
    this.starting = this.startWithRetry();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.delay.wake();
    await this.starting;
    await Promise.all(this.readers.map((r) => r.close()));
  }

  /** Live once following both streams (blocked in the first read counts as following). */
  isLive(): boolean {
    return this.readModel.ready && !this.closing && this.readers.every((r) => r.isLive());
  }

  /** The readers run, or the rebuild loop before them (retrying while Redis is down). */
  isRunning(): boolean {
    if (this.closing || this.starting === undefined) return false;
    return this.readers.length ? this.readers.every((r) => r.isRunning()) : true;
  }

  describe(): Record<string, unknown> {
    return this.readers.length ? { readers: this.readers.map((r) => r.describe()) } : { state: 'loading from Redis' };
  }

  private startWithRetry(): Promise<void> {
    return retryUntilClosed(
      async () => {
        const from = await this.rebuild();
        if (this.closing) return;
        this.follow(from);
        this.readModel.markLoaded();
      },
      {
        isClosing: () => this.closing,
        delay: this.delay,
        onError: (err, retryInMs) => this.log.warn({ err: errMessage(err), retry_in_ms: retryInMs }, 'positions rebuild from Redis failed; retrying'),
      },
    );
  }

  private async rebuild(): Promise<ResumePoints> {
    const positionsTail = await lastStreamId(this.redis, STREAMS.positions);
    let loaded = 0;
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(KEYS.positions, cursor, 'COUNT', PAGE);
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const event = this.parseState(flat[i], flat[i + 1]);
        if (event && this.readModel.positions.apply(event)) loaded++;
      }
      cursor = next;
    } while (cursor !== '0');

    const requestsTail = await lastStreamId(this.redis, STREAMS.closeRequests);
    const requests = readRange(this.redis, { stream: STREAMS.closeRequests, schema: CloseRequestSchema, reader: 'api-gateway-rebuild', until: requestsTail, pageSize: PAGE });
    for await (const { id, payload } of requests) this.readModel.closeRequests.add({ id, ...payload });
    this.log.info({ positions: loaded, close_requests: requestsTail }, 'rebuilt positions from Redis');
    return { positions: positionsTail, closeRequests: requestsTail };
  }

  private parseState(id: string, raw: string): PositionEvent | null {
    try {
      const parsed = PositionEventSchema.safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data;
    } catch {
      // not JSON: reported below
    }
    this.log.warn({ position_id: id }, 'skipping an invalid stored position');
    return null;
  }

  private follow(from: ResumePoints): void {
    const positions = new StreamReader<PositionEvent>({
      stream: STREAMS.positions,
      schema: PositionEventSchema,
      connection: this.connections.create('api-gateway:positions-reader'),
      startId: from.positions,
      name: 'api-gateway-positions',
      handle: (entries) => {
        for (const e of entries) this.readModel.positions.apply(e.payload);
      },
    });
    const requests = new StreamReader<CloseRequest>({
      stream: STREAMS.closeRequests,
      schema: CloseRequestSchema,
      connection: this.connections.create('api-gateway:close-requests-reader'),
      startId: from.closeRequests,
      name: 'api-gateway-close-requests',
      handle: (entries) => {
        for (const e of entries) this.readModel.closeRequests.add({ id: e.id, ...e.payload });
      },
    });
    this.readers = [positions as StreamReader<unknown>, requests as StreamReader<unknown>];
    positions.start();
    requests.start();
  }
}
