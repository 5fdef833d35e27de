import { Module, type DynamicModule } from '@nestjs/common';
import { latencySamplesKey } from '@app/contracts';
import { LatencySamples, ObservabilityModule } from '@app/observability';
import type { NotifierConfig } from './config';
import { TelegramCommands } from './commands/telegram-commands.service';
import { WebhookController } from './commands/webhook.controller';
import { ControlConsumer } from './control/control.consumer';
import { ChatDelivery } from './delivery/chat-delivery';
import { deliveryKeys } from './delivery/delivery-keys';
import { DeliveryStore } from './delivery/delivery.store';
import { HealthController } from './health/health.controller';
import { QueueHealthIndicator } from './health/queue.health';
import { PositionConsumer } from './positions/position.consumer';
import { RedisConnections } from '@app/redis-streams';
import { SignalConsumer } from './signals/signal.consumer';
import { DryRunTelegramClient, TelegramClient, type TelegramSender } from './telegram/telegram.client';
import { TelegramProcessor } from './delivery/telegram.processor';
import { TelegramQueue } from './delivery/telegram.queue';
import { NOTIFIER_CONFIG, TELEGRAM_SENDER } from './tokens';

/** The notifier, over the config main.ts loaded once (`NotifierModule.forRoot(config)`). */
@Module({
  imports: [ObservabilityModule],
  controllers: [HealthController, WebhookController],
  providers: [
    { provide: RedisConnections, inject: [NOTIFIER_CONFIG], useFactory: (cfg: NotifierConfig) => new RedisConnections(cfg.redis, 'notifier') },
    {
      provide: TELEGRAM_SENDER,
      inject: [NOTIFIER_CONFIG],
      useFactory: ({ telegram: t }: NotifierConfig): TelegramSender =>
        t.token ? new TelegramClient({ apiUrl: t.apiUrl, token: t.token, timeoutMs: t.timeoutMs }) : new DryRunTelegramClient(),
    },
    {
      provide: DeliveryStore,
      inject: [NOTIFIER_CONFIG, RedisConnections],
      useFactory: (cfg: NotifierConfig, c: RedisConnections) => new DeliveryStore(c.command, deliveryKeys(), cfg.delivery),
    },
    {
      provide: ChatDelivery,
      inject: [NOTIFIER_CONFIG, DeliveryStore, TELEGRAM_SENDER, RedisConnections],
      useFactory: (cfg: NotifierConfig, store: DeliveryStore, sender: TelegramSender, c: RedisConnections) =>
        new ChatDelivery(store, sender, deliveryKeys(), cfg.limits, new LatencySamples(c.command, { key: latencySamplesKey('telegram') }), cfg.queue.concurrency),
    },
    TelegramQueue,
    TelegramProcessor,
    SignalConsumer,
    PositionConsumer,
    ControlConsumer,
    TelegramCommands,
    QueueHealthIndicator,
  ],
})
export class NotifierModule {
  static forRoot(config: NotifierConfig): DynamicModule {
    return { module: NotifierModule, providers: [{ provide: NOTIFIER_CONFIG, useValue: config }] };
  }
}
