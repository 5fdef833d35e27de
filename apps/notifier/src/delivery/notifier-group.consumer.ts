import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { z } from 'zod';
import { GROUPS, type NotificationJob } from '@app/contracts';
import { ConsumerGroupReader, LoopHost, RedisConnections, registerGroupLagMetrics, type DecodedEntry } from '@app/redis-streams';
import type { NotifierConfig } from '../config';
import { NOTIFIER_CONFIG } from '../tokens';
import { TelegramQueue } from './telegram.queue';

/**
 * Base of the notifier's stream consumers: the `notifier` consumer group on one stream (its lag
 * metrics, a connection named `notifier:<stream>`, this replica's consumer name and claim
 * settings), each entry turned by `job` into a `telegram` job keyed by the entry id, a read's
 * jobs added together; the reader XACKs them once that resolves. Readiness, liveness and shutdown are the reader's.
 *
 * A group the notifier creates itself starts at the tail (`$`), so a first start never floods the
 * chats with history; producers create it before their first entry (STREAM_GROUPS), so nothing
 * written while the notifier was away is missed.
 */
@Injectable()
export abstract class NotifierGroupConsumer<T> extends LoopHost implements OnApplicationBootstrap {
  protected abstract readonly stream: string;
  protected abstract readonly schema: z.ZodType<T>;

  constructor(
    @Inject(NOTIFIER_CONFIG) private readonly cfg: NotifierConfig,
    private readonly connections: RedisConnections,
    protected readonly queue: TelegramQueue,
  ) {
    super();
  }

  /** The `telegram` job an entry becomes, or undefined for none (acknowledged all the same). */
  abstract job(entry: DecodedEntry<T>): NotificationJob | undefined;

  /**
   * One read's entries become their jobs in one addBulk, then the reader XACKs them in one call:
   * two round trips per read rather than per entry (the consumer was the notifier's bound under
   * a steady stream, bench/notifier.bench.ts). Throwing leaves the whole read pending; re-adding
   * it adds nothing (job ids are entry ids).
   */
  async handle(entries: DecodedEntry<T>[]): Promise<void> {
    const jobs: NotificationJob[] = [];
    for (const entry of entries) {
      const job = this.job(entry);
      if (job) jobs.push(job);
    }
    await this.queue.enqueueMany(this.stream, jobs);
  }

  onApplicationBootstrap(): void {
    registerGroupLagMetrics(this.connections.command, this.stream, GROUPS.notifier);
    const reader = new ConsumerGroupReader<T>({
      stream: this.stream,
      group: GROUPS.notifier,
      consumer: this.cfg.consumer.name,
      schema: this.schema,
      connection: this.connections.create(`notifier:${this.stream}`),
      claimIdleMs: this.cfg.consumer.claimIdleMs,
      claimIntervalMs: this.cfg.consumer.claimIntervalMs,
      groupStartId: '$',
      handleBatch: (entries) => this.handle(entries),
    });
    reader.start();
    this.hosted = reader;
  }
}
