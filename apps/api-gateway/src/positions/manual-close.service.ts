import { Inject, Injectable, NotFoundException, ServiceUnavailableException, type OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { BULLMQ_PREFIX, type ManualCloseJob, ManualCloseJobSchema, QUEUES } from '@app/contracts';
import { errMessage, RedisConnections } from '@app/redis-streams';
import { getLogger, stepWithinShutdown } from '@app/observability';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';
import { PositionsReadModel } from './positions-read-model.service';

export interface ManualCloseAccepted {
  request_id: string;
  position_id: string;
  requested_at: string;
}

/**
 * `POST /api/positions/{id}/close`: checks the position in the read model (built from the
 * `positions` stream, as every endpoint answers; a position opened a moment ago may not be there
 * yet: 404, retry) and hands the close to the position-closer on the `position-manual-close`
 * queue. The closer exits at the last candle close and publishes the `closed` event and the ATAS
 * close request; a request racing another close (the view lagging one) is a no-op there.
 */
@Injectable()
export class ManualCloseService implements OnModuleDestroy {
  private readonly queue: Queue<ManualCloseJob>;
  private readonly log = getLogger('manual-close');

  constructor(
    connections: RedisConnections,
    private readonly readModel: PositionsReadModel,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    // Fail fast rather than hold the request when Redis is away (no offline queue). BullMQ leaves
    // a connection it was handed open: RedisConnections closes it at shutdown, after the queue.
    const connection = connections.create('api-gateway:manual-close', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.queue = new Queue<ManualCloseJob>(QUEUES.manualClose, { connection, prefix: BULLMQ_PREFIX });
    this.queue.on('error', (err) => this.log.warn({ err: err.message }, 'manual-close queue error'));
  }

  async request(positionId: string): Promise<ManualCloseAccepted> {
    this.readModel.assertReady();
    const position = this.readModel.positions.find(positionId);
    if (!position) throw new NotFoundException(`position ${positionId} not found`);
    if (position.type === 'closed') {
      throw new NotFoundException(`position ${positionId} is already closed (${position.reason} at ${position.exit_price}, ${position.closed_at})`);
    }
    const job = ManualCloseJobSchema.parse({ request_id: randomUUID(), position_id: positionId, requested_at: new Date().toISOString() });
    await this.unavailableOnError(() =>
      this.queue.add('close', job, {
        jobId: job.request_id,
        attempts: 5,
        backoff: { type: 'exponential', delay: 500 },
        ...this.config.jobRetention,
      }),
    );
    this.log.info({ request_id: job.request_id, position_id: positionId }, 'manual close requested');
    return job;
  }

  async onModuleDestroy(): Promise<void> {
    // Not `await this.queue.client`: that waits for Redis to be ready, so a gateway that never
    // reached Redis (a wrong password) never finished its SIGTERM.
    await stepWithinShutdown('manual-close queue', this.queue.close());
  }

  private async unavailableOnError<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      this.log.warn({ err: errMessage(err) }, 'manual close: Redis unavailable');
      throw new ServiceUnavailableException('position store unavailable; retry shortly');
    }
  }
}
