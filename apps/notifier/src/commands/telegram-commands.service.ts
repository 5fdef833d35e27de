import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { KEYS } from '@app/contracts';
import { getLogger, redactSecrets } from '@app/observability';
import { ControlStore, LoopHost, RedisConnections, RedisLease } from '@app/redis-streams';
import type { NotifierConfig } from '../config';
import { NOTIFIER_CONFIG } from '../tokens';
import { adminOnly } from './admin.guard';
import { CommandOffsetStore } from './command-offset.store';
import { commandHandlers } from './command.handlers';
import { updatesIgnored } from './commands.metrics';
import { GatewayClient } from './gateway.client';
import { UpdatePoller } from './update.poller';
import { ViewLoader } from './view.loader';
import { COMMAND_MENU } from './views/help.view';
import { WebhookRegistration } from './webhook.registration';

const COMMAND_KEYS = {
  lease: `${KEYS.telegramCommands}:lease`,
  offset: `${KEYS.telegramCommands}:offset`,
  update: (id: number) => `${KEYS.telegramCommands}:update:${id}`,
};

/** A webhook update id is remembered this long: Telegram retries an unanswered post for far less. */
const WEBHOOK_DEDUPE_SECONDS = 24 * 3600;

/**
 * The admin commands (grammY): by long polling from one replica at a time (UpdatePoller), or by
 * webhook (every replica registered, each update taken once). Off without a token, without
 * admin chats, or with TELEGRAM_COMMANDS=off.
 */
@Injectable()
export class TelegramCommands extends LoopHost implements OnApplicationBootstrap {
  private readonly log = getLogger('telegram-commands');
  private bot: Bot | undefined;

  constructor(
    @Inject(NOTIFIER_CONFIG) private readonly cfg: NotifierConfig,
    private readonly connections: RedisConnections,
  ) {
    super();
  }

  get mode(): NotifierConfig['commands']['mode'] {
    return this.cfg.commands.mode;
  }

  onApplicationBootstrap(): void {
    const { commands: c, telegram: t } = this.cfg;
    if (c.mode === 'off' || !t.token) {
      this.log.info({ admins: c.adminChatIds.size }, 'Telegram commands off (they need TELEGRAM_BOT_TOKEN, TELEGRAM_ADMIN_CHAT_IDS and TELEGRAM_COMMANDS other than off)');
      return;
    }
    const bot = new Bot(t.token, { client: { apiRoot: t.apiUrl, timeoutSeconds: c.pollTimeoutSeconds + Math.ceil(t.timeoutMs / 1000) } });
    const control = new ControlStore(this.connections.command);
    const gateway = new GatewayClient(c.gateway);
    bot.use(adminOnly(c.adminChatIds));
    bot.use(commandHandlers({ views: new ViewLoader(gateway, control), control, gateway }));
    this.bot = bot;
    const menu = () => bot.api.setMyCommands(COMMAND_MENU).then(
      () => undefined,
      (err: unknown) => this.log.warn({ err: redactSecrets(String(err)) }, 'setMyCommands failed; the commands work, only the menu is missing'),
    );
    if (c.mode === 'webhook' && c.webhook) {
      const registration = new WebhookRegistration(bot.api, c.webhook, menu);
      registration.start();
      this.hosted = registration;
      this.botInfo(bot).catch((err: unknown) => this.log.warn({ err: redactSecrets(String(err)) }, 'getMe failed; retried on the first update'));
      return;
    }
    const poller = new UpdatePoller({
      api: bot.api,
      lease: new RedisLease(this.connections.command, { key: COMMAND_KEYS.lease, ttlMs: c.leaseMs, owner: this.cfg.consumer.name }),
      offsets: new CommandOffsetStore(this.connections.command, COMMAND_KEYS),
      handle: (u) => this.handle(u),
      pollTimeoutSeconds: c.pollTimeoutSeconds,
      leaseMs: c.leaseMs,
      onLeader: async () => {
        await this.botInfo(bot);
        // getUpdates answers 409 while a webhook is set (a switch from webhook mode).
        await bot.api.deleteWebhook();
        await menu();
      },
    });
    poller.start();
    this.hosted = poller;
  }

  /** Webhook mode: true when this replica took the update (false: a retry another post already took). */
  async takeWebhookUpdate(update: Update): Promise<boolean> {
    const first = await this.connections.command.set(COMMAND_KEYS.update(update.update_id), '1', 'EX', WEBHOOK_DEDUPE_SECONDS, 'NX');
    if (first === null) {
      updatesIgnored.inc({ reason: 'duplicate' });
      return false;
    }
    await this.handle(update);
    return true;
  }

  get webhookSecret(): string | undefined {
    return this.mode === 'webhook' ? this.cfg.commands.webhook?.secret : undefined;
  }

  private async handle(update: Update): Promise<void> {
    const bot = this.bot;
    if (!bot) return;
    try {
      await this.botInfo(bot);
      await bot.handleUpdate(update);
    } catch (err) {
      this.log.error({ update_id: update.update_id, err: redactSecrets(err instanceof Error ? err.message : String(err)) }, 'update not handled');
    }
  }

  /** getMe once: grammY needs the bot's username to route `/status@name` in groups. */
  private async botInfo(bot: Bot): Promise<void> {
    if (!bot.isInited()) bot.botInfo = await bot.api.getMe();
  }
}
