import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { z } from 'zod';
import { GROUPS } from '@app/contracts';
import { ConsumerGroupReader, LoopHost, RedisConnections, registerGroupLagMetrics, type DecodedEntry } from '@app/redis-streams';
import type { NotifierConfig } from '../config';
import { NOTIFIER_CONFIG } from '../tokens';
import { TelegramQueue } from './telegram.queue';

/**
 * Base of the notifier's stream consumers: the `notifier` consumer group on one stream (its lag
 * metrics, a connection named `notifier:<stream>`, this replica's consumer name and claim
 * settings), each entry handed to `handle`, which turns it into a `telegram` job keyed by the
 * entry id; the reader XACKs once it resolves. Readiness, liveness and shutdown are the reader's.
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

  /** One entry: resolve to acknowledge it, throw to leave it pending for a retry. */
  abstract handle(entry: DecodedEntry<T>): Promise<void>;

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
      handle: (entry) => this.handle(entry),
    });
    reader.start();
    this.hosted = reader;
  }
}
