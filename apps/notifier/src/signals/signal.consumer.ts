import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { GROUPS, SignalSchema, STREAMS, type NewSignal } from '@app/contracts';
import { ConsumerGroupReader, LoopHost, registerGroupLagMetrics } from '@app/redis-streams';
import type { NotifierConfig } from '../config';
import { RedisConnections } from '@app/redis-streams';
import { TelegramQueue } from '../delivery/telegram.queue';
import { NOTIFIER_CONFIG } from '../tokens';

/**
 * The `notifier` consumer group on `signals`: each entry becomes one `telegram` job whose id is
 * the entry id, then the reader XACKs. A crash between the two redelivers the entry (to this
 * replica on restart, or to another by XAUTOCLAIM) and the add finds the job already there.
 */
@Injectable()
export class SignalConsumer extends LoopHost implements OnApplicationBootstrap {
  constructor(
    @Inject(NOTIFIER_CONFIG) private readonly cfg: NotifierConfig,
    private readonly connections: RedisConnections,
    private readonly queue: TelegramQueue,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    registerGroupLagMetrics(this.connections.command, STREAMS.signals, GROUPS.notifier);
    const reader = new ConsumerGroupReader<NewSignal>({
      stream: STREAMS.signals,
      group: GROUPS.notifier,
      consumer: this.cfg.consumer.name,
      schema: SignalSchema,
      connection: this.connections.create('notifier:signals'),
      claimIdleMs: this.cfg.consumer.claimIdleMs,
      claimIntervalMs: this.cfg.consumer.claimIntervalMs,
      // Producers create the group before their first signal (STREAM_GROUPS); a group the notifier
      // creates itself starts at the tail, so a first start never floods the chats with history.
      groupStartId: '$',
      handle: ({ id, payload }) => this.queue.enqueue(STREAMS.signals, { kind: 'signal', entry_id: id, signal: payload }),
    });
    reader.start();
    this.hosted = reader;
  }
}
