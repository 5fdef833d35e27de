import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ControlEventSchema, GROUPS, STREAMS, type ControlEvent } from '@app/contracts';
import type { Liveness, Running } from '@app/observability';
import { ConsumerGroupReader, RedisConnections, registerGroupLagMetrics } from '@app/redis-streams';
import type { NotifierConfig } from '../config';
import { TelegramQueue } from '../delivery/telegram.queue';
import { NOTIFIER_CONFIG } from '../tokens';

/**
 * The `notifier` consumer group on `control`: each kill switch change (pause, resume, flatten)
 * becomes one `telegram` job keyed by its entry id, announced to every chat like a signal.
 */
@Injectable()
export class ControlConsumer implements OnApplicationBootstrap, OnModuleDestroy, Liveness, Running {
  private reader: ConsumerGroupReader<ControlEvent> | undefined;

  constructor(
    @Inject(NOTIFIER_CONFIG) private readonly cfg: NotifierConfig,
    private readonly connections: RedisConnections,
    private readonly queue: TelegramQueue,
  ) {}

  onApplicationBootstrap(): void {
    registerGroupLagMetrics(this.connections.command, STREAMS.control, GROUPS.notifier);
    this.reader = new ConsumerGroupReader<ControlEvent>({
      stream: STREAMS.control,
      group: GROUPS.notifier,
      consumer: this.cfg.consumer.name,
      schema: ControlEventSchema,
      connection: this.connections.create('notifier:control'),
      claimIdleMs: this.cfg.consumer.claimIdleMs,
      claimIntervalMs: this.cfg.consumer.claimIntervalMs,
      // The gateway's ControlStore creates the group before its first change (STREAM_GROUPS).
      groupStartId: '$',
      handle: ({ id, payload }) => this.queue.enqueue(STREAMS.control, { kind: 'control', entry_id: id, event: payload }),
    });
    this.reader.start();
  }

  isLive(): boolean {
    return this.reader?.isLive() ?? false;
  }

  isRunning(): boolean {
    return this.reader?.isRunning() ?? false;
  }

  describe(): Record<string, unknown> {
    return this.reader?.describe() ?? {};
  }

  async onModuleDestroy(): Promise<void> {
    await this.reader?.close();
  }
}
