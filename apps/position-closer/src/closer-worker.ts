import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { BULLMQ_PREFIX } from '@app/contracts';
import { getLogger, type Logger } from '@app/observability';
import { LoopHost, RedisConnections } from '@app/redis-streams';
import type { CloserConfig } from './config';
import { PositionCloser } from './positions/position-closer.service';
import { CLOSER_CONFIG } from './tokens';

/**
 * Base of the closer's BullMQ processors (max hold, manual close): a Worker on one queue with its
 * own connection (`position-closer:<name>-worker`), 4 jobs at a time, the stalled-job check of
 * STALLED_INTERVAL_MS; liveness and shutdown are the worker's (LoopHost).
 */
@Injectable()
export abstract class CloserWorker<D> extends LoopHost implements OnApplicationBootstrap {
  protected worker: Worker<D> | undefined;
  private logger: Logger | undefined;

  constructor(
    private readonly connections: RedisConnections,
    protected readonly closer: PositionCloser,
    @Inject(CLOSER_CONFIG) private readonly config: CloserConfig,
  ) {
    super();
  }

  /** The logger's name and the connection's: `max-hold`, `manual-close`. */
  protected abstract readonly name: string;
  protected abstract readonly queue: string;

  protected get log(): Logger {
    return (this.logger ??= getLogger(this.name));
  }

  abstract process(job: Job<D>): Promise<{ closed: boolean }>;

  onApplicationBootstrap(): void {
    const worker = new Worker<D>(this.queue, (job) => this.process(job), {
      connection: this.connections.worker(`position-closer:${this.name}-worker`),
      prefix: BULLMQ_PREFIX,
      concurrency: 4,
      stalledInterval: this.config.queue.stalledIntervalMs,
    });
    this.hosted = this.worker = worker;
    worker.on('error', (err) => this.log.warn({ err: err.message }, `${this.name} worker error`));
  }
}
