import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ControlEventSchema, GROUPS, STREAMS, type ControlEvent } from '@app/contracts';
import { ConsumerGroupReader, LoopHost, RedisConnections, registerGroupLagMetrics } from '@app/redis-streams';
import type { NotifierConfig } from '../config';
import { TelegramQueue } from '../delivery/telegram.queue';
import { NOTIFIER_CONFIG } from '../tokens';

/**
 * The `notifier` consumer group on `control`: each kill switch change (pause, resume, flatten)
 * becomes one `telegram` job keyed by its entry id, announced to every chat like a signal.
 */
@Injectable()
export class ControlConsumer extends LoopHost implements OnApplicationBootstrap {
  constructor(
    @Inject(NOTIFIER_CONFIG) private readonly cfg: NotifierConfig,
    private readonly connections: RedisConnections,
    private readonly queue: TelegramQueue,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    registerGroupLagMetrics(this.connections.command, STREAMS.control, GROUPS.notifier);
    const reader = new ConsumerGroupReader<ControlEvent>({
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
    reader.start();
    this.hosted = reader;
  }
}
