import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job, UnrecoverableError, Worker } from 'bullmq';
import { BULLMQ_PREFIX, type NotificationJob, QUEUES } from '@app/contracts';
import { getLogger, redactSecrets } from '@app/observability';
import type { NotifierConfig } from '../config';
import { ChatDelivery } from './chat-delivery';
import { DeliveryStore } from './delivery.store';
import { LoopHost, RedisConnections } from '@app/redis-streams';
import { NOTIFIER_CONFIG } from '../tokens';
import { decideJob } from './job-decision';
import { messagesFailed } from './delivery.metrics';

/** Spreads the wake-ups of jobs waiting on the same chat, so they do not all knock at once. */
const JITTER_MS = 25;

/**
 * The `telegram` worker. A job (one stream entry) puts its item into every chat's outbox, then
 * makes sure each chat gets it: it sends itself when it can reserve the chat, else it waits in
 * BullMQ's delayed set (not an attempt) until the chat's window reopens. See apps/notifier/README.md.
 */
@Injectable()
export class TelegramProcessor extends LoopHost implements OnApplicationBootstrap {
  private readonly log = getLogger('telegram-worker');

  constructor(
    @Inject(NOTIFIER_CONFIG) private readonly cfg: NotifierConfig,
    private readonly delivery: ChatDelivery,
    private readonly store: DeliveryStore,
    private readonly connections: RedisConnections,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    const { concurrency, lockMs, stalledIntervalMs } = this.cfg.queue;
    const worker = new Worker<NotificationJob>(QUEUES.telegram, (job, token) => this.process(job, token), {
      connection: this.connections.worker('notifier:worker'),
      prefix: BULLMQ_PREFIX,
      concurrency,
      lockDuration: lockMs,
      stalledInterval: stalledIntervalMs,
      // A job stalls when its replica dies; several replicas dying in turn must not fail it.
      maxStalledCount: 10,
    });
    this.hosted = worker;
    worker.on('failed', (job, err) => this.onFailed(job, err));
    worker.on('error', (err) => this.log.warn({ err: redactSecrets(err.message) }, 'worker error; it keeps running'));
    if (this.cfg.telegram.token === undefined) this.log.warn('TELEGRAM_BOT_TOKEN is not set: dry run, messages are logged, not sent');
  }

  async process(job: Job<NotificationJob>, token?: string): Promise<{ chats: number }> {
    const entryKey = job.id;
    if (!entryKey) throw new UnrecoverableError('job without an id');
    const chats = this.cfg.telegram.chats;
    await this.store.fanOut(entryKey, job.data, chats);
    const results = await Promise.all(chats.map(async (chat) => ({ chat: chat.id, result: await this.delivery.deliver(chat, entryKey) })));
    const decision = decideJob(results);
    switch (decision.action) {
      case 'complete':
        return { chats: chats.length };
      case 'delay':
        await job.moveToDelayed(Date.now() + decision.ms + Math.floor(Math.random() * JITTER_MS), token);
        throw new DelayedError();
      case 'retry':
        throw new Error(decision.message);
      case 'fail':
        throw new UnrecoverableError(decision.message);
    }
  }

  override describe(): Record<string, unknown> {
    return { running: this.isLive(), concurrency: this.cfg.queue.concurrency, dry_run: this.cfg.telegram.token === undefined };
  }

  private onFailed(job: Job<NotificationJob> | undefined, err: Error): void {
    const final = err instanceof UnrecoverableError || (job ? job.attemptsMade >= (job.opts.attempts ?? 1) : true);
    const fields = { job_id: job?.id, attempts: job?.attemptsMade, err: redactSecrets(err.message) };
    if (!final) {
      this.log.warn(fields, 'notification attempt failed; BullMQ retries it with backoff');
      return;
    }
    if (!(err instanceof UnrecoverableError)) messagesFailed.inc({ reason: 'retries_exhausted' });
    this.log.error(fields, 'notification failed for good');
  }
}
