import { Injectable } from '@nestjs/common';
import {
  CloseRequestSchema,
  PositionEventSchema,
  STREAMS,
  type CloseRequest,
  type PositionEvent,
} from '@app/contracts';
import { lastStreamId, readRange, RebuildThenFollow, RedisConnections, StreamReader, type FollowingReader } from '@app/redis-streams';
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
export class PositionsConsumer extends RebuildThenFollow<ResumePoints> {
  constructor(
    connections: RedisConnections,
    private readonly readModel: PositionsReadModel,
  ) {
    super('positions-consumer', readModel, connections);
  }

  /**
   * Each stream's tail id is taken first, the stream read up to it, then followed after it: an
   * event written meanwhile is applied once, by the reader. `positions` is read from its first
   * entry: the closer keeps there every open position's `opened` event and the newest
   * POSITIONS_HISTORY_MAX closes, so this is the whole view, as the closer's own state has it.
   */
  protected async rebuild(): Promise<ResumePoints> {
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

  protected follow(from: ResumePoints): FollowingReader[] {
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
    positions.start();
    requests.start();
    return [positions, requests];
  }
}
