import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  CloseRequestSchema,
  PositionEventSchema,
  STREAMS,
  type CloseRequest,
  type PositionEvent,
} from '@app/contracts';
import { getLogger, type Liveness, type Running } from '@app/observability';
import { errMessage, InterruptibleDelay, lastStreamId, readRange, RedisConnections, retryUntilClosed, StreamReader } from '@app/redis-streams';
import { PositionsReadModel } from './positions-read-model.service';

const PAGE = 1000;

/** The `reader` label of entries skipped while rebuilding. */
const REBUILD = 'api-gateway-rebuild';

interface ResumePoints {
  positions: string;
  closeRequests: string;
}

/**
 * Materialises positions from the position-closer's streams, like every other read model: the
 * `positions` events (never the closer's private state) and the capped `close-requests`, each
 * rebuilt up to its tail and then followed. Redis down at start: retried with backoff while the
 * endpoints answer 503.
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

  /**
   * Each stream's tail id is taken first, the stream read up to it, then followed after it: an
   * event written meanwhile is applied once, by the reader. `positions` is read from its first
   * entry: the closer keeps there every open position's `opened` event and the newest
   * POSITIONS_HISTORY_MAX closes, so this is the whole view, as the closer's own state has it.
   */
  private async rebuild(): Promise<ResumePoints> {
    this.readModel.reset();
    const positionsTail = await lastStreamId(this.redis, STREAMS.positions);
    const events = readRange(this.redis, { stream: STREAMS.positions, schema: PositionEventSchema, reader: REBUILD, until: positionsTail, pageSize: PAGE });
    for await (const { payload } of events) this.readModel.positions.apply(payload);
    const requestsTail = await lastStreamId(this.redis, STREAMS.closeRequests);
    const requests = readRange(this.redis, { stream: STREAMS.closeRequests, schema: CloseRequestSchema, reader: REBUILD, until: requestsTail, pageSize: PAGE });
    for await (const { id, payload } of requests) this.readModel.closeRequests.add({ id, ...payload });
    const { openCount, closedCount } = this.readModel.positions;
    this.log.info({ open: openCount, closed: closedCount, resume_after: positionsTail, close_requests: requestsTail }, 'rebuilt positions from Redis');
    return { positions: positionsTail, closeRequests: requestsTail };
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
