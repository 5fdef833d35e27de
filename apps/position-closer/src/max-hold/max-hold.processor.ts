import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { QUEUES } from '@app/contracts';
import { getLogger, type Liveness, type Running } from '@app/observability';
import { PositionCloser } from '../positions/position-closer.service';
import type { CloserConfig } from '../config';
import { RedisConnections } from '@app/redis-streams';
import { CLOSER_CONFIG } from '../tokens';
import type { MaxHoldJob } from '@app/contracts';

/** Closes a position still open when its max-hold job comes due; a no-op if it closed earlier. */
@Injectable()
export class MaxHoldProcessor implements OnApplicationBootstrap, OnModuleDestroy, Liveness, Running {
  private worker: Worker<MaxHoldJob> | undefined;
  private readonly log = getLogger('max-hold');

  constructor(
    private readonly connections: RedisConnections,
    private readonly closer: PositionCloser,
    @Inject(CLOSER_CONFIG) private readonly config: CloserConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker<MaxHoldJob>(QUEUES.maxHold, (job) => this.process(job), {
      connection: this.connections.create('position-closer:max-hold-worker', { maxRetriesPerRequest: null }),
      concurrency: 4,
      stalledInterval: this.config.queue.stalledIntervalMs,
    });
    this.worker.on('error', (err) => this.log.warn({ err: err.message }, 'max-hold worker error'));
    this.worker.on('failed', (job, err) => this.log.warn({ position_id: job?.data.position_id, err: err.message }, 'max-hold close failed; BullMQ retries it'));
  }

  async process(job: Job<MaxHoldJob>): Promise<{ closed: boolean }> {
    const closed = await this.closer.closeAtLastPrice(job.data.position_id, 'max_hold');
    return { closed: closed !== null };
  }

  isLive(): boolean {
    return this.isRunning();
  }

  /** BullMQ keeps the worker running through a Redis outage: it reconnects by itself. */
  isRunning(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
