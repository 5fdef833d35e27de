import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { BULLMQ_PREFIX, QUEUES, withoutHashTag, type NotificationJob } from '@app/contracts';
import { gauge, getLogger, stepWithinShutdown } from '@app/observability';
import type { NotifierConfig } from '../config';
import { RedisConnections } from '@app/redis-streams';
import { NOTIFIER_CONFIG } from '../tokens';

const COUNTED_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
/** A scrape or health check never waits longer than this for Redis. */
const COUNTS_TIMEOUT_MS = 1000;

/** The `telegram` BullMQ queue: one job per stream entry, keyed by the entry id. */
@Injectable()
export class TelegramQueue implements OnApplicationShutdown {
  readonly queue: Queue<NotificationJob>;

  constructor(@Inject(NOTIFIER_CONFIG) cfg: NotifierConfig, connections: RedisConnections) {
    const { attempts, backoffMs, retention } = cfg.queue;
    this.queue = new Queue<NotificationJob>(QUEUES.telegram, {
      connection: connections.create('notifier:queue'),
      prefix: BULLMQ_PREFIX,
      defaultJobOptions: {
        attempts,
        backoff: { type: 'exponential', delay: backoffMs },
        // Kept JOBS_KEEP_COMPLETED_HOURS (1) for inspection; a later redelivery makes a new job that
        // finds every chat in the sent records (kept NOTIFIER_RETENTION_HOURS) and sends nothing.
        ...retention,
      },
    });
    // Without a listener BullMQ prints the error itself, with console.error and every property.
    const log = getLogger('telegram-queue');
    this.queue.on('error', (err) => log.warn({ err: err.message }, 'telegram queue error'));
    const queue = this.queue;
    gauge({
      name: 'bullmq_queue_jobs',
      help: 'Jobs in the BullMQ queue by state (waiting, active, delayed, failed)',
      labelNames: ['queue', 'state'] as const,
      async collect() {
        const counts = await withTimeout(queue.getJobCounts(...COUNTED_STATES), COUNTS_TIMEOUT_MS).catch(() => undefined);
        if (counts) for (const state of COUNTED_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
      },
    });
  }

  /**
   * One job per entry, in one round trip (addBulk: one pipeline of BullMQ's add script, not a
   * transaction: if it fails part-way, the whole read is retried and what was added is found).
   * Idempotent: the same stream entry always maps to the same job id, and adding an existing id
   * adds nothing.
   */
  async enqueueMany(stream: string, jobs: readonly NotificationJob[]): Promise<void> {
    if (!jobs.length) return;
    await this.queue.addBulk(jobs.map((job) => ({ name: job.kind, data: job, opts: { jobId: jobIdFor(stream, job.entry_id) } })));
  }

  async counts(): Promise<Record<string, number>> {
    return withTimeout(this.queue.getJobCounts(...COUNTED_STATES), COUNTS_TIMEOUT_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await stepWithinShutdown('telegram queue', this.queue.close());
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The BullMQ job id of a stream entry: a redelivered entry maps to the same id, so BullMQ adds no
 * second job. Stream ids hold only digits and `-`; BullMQ refuses `:` in custom ids.
 */
export function jobIdFor(stream: string, entryId: string): string {
  // Without the hash tag: the ids (and the outbox entries named after them) stay those of before the tags.
  return `${withoutHashTag(stream)}-${entryId}`;
}
