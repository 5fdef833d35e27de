import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { QUEUES } from '@app/contracts';
import { getLogger } from '@app/observability';
import { PositionCloser } from '../positions/position-closer.service';
import type { CloserConfig } from '../config';
import { LoopHost, RedisConnections } from '@app/redis-streams';
import { CLOSER_CONFIG } from '../tokens';
import type { MaxHoldJob } from '@app/contracts';

/** Closes a position still open when its max-hold job comes due; a no-op if it closed earlier. */
@Injectable()
export class MaxHoldProcessor extends LoopHost implements OnApplicationBootstrap {
  private readonly log = getLogger('max-hold');

  constructor(
    private readonly connections: RedisConnections,
    private readonly closer: PositionCloser,
    @Inject(CLOSER_CONFIG) private readonly config: CloserConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    const worker = new Worker<MaxHoldJob>(QUEUES.maxHold, (job) => this.process(job), {
      connection: this.connections.create('position-closer:max-hold-worker', { maxRetriesPerRequest: null }),
      concurrency: 4,
      stalledInterval: this.config.queue.stalledIntervalMs,
    });
    this.hosted = worker;
    worker.on('error', (err) => this.log.warn({ err: err.message }, 'max-hold worker error'));
    worker.on('failed', (job, err) => this.log.warn({ position_id: job?.data.position_id, err: err.message }, 'max-hold close failed; BullMQ retries it'));
  }

  async process(job: Job<MaxHoldJob>): Promise<{ closed: boolean }> {
    const closed = await this.closer.closeAtLastPrice(job.data.position_id, 'max_hold');
    return { closed: closed !== null };
  }
}
