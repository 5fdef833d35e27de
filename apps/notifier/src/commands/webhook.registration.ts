import type { Api } from 'grammy';
import { getLogger, redactSecrets } from '@app/observability';
import { InterruptibleDelay, retryUntilClosed, type HostedLoop } from '@app/redis-streams';

/**
 * Webhook mode: Telegram posts each update once to TELEGRAM_WEBHOOK_URL, and the load balancer
 * hands it to one replica. Every replica registers the same URL and secret at start (setWebhook
 * is idempotent), retrying until Telegram accepts it; live once it has.
 */
export class WebhookRegistration implements HostedLoop {
  private readonly log = getLogger('telegram-commands');
  private readonly delay = new InterruptibleDelay();
  private closing = false;
  private registered = false;
  private done: Promise<void> | undefined;

  constructor(
    private readonly api: Api,
    private readonly webhook: { url: string; secret: string },
    private readonly menu: () => Promise<void>,
  ) {}

  start(): void {
    this.done = retryUntilClosed(
      async () => {
        await this.api.setWebhook(this.webhook.url, { secret_token: this.webhook.secret, allowed_updates: ['message', 'callback_query'] });
        this.registered = true;
        this.log.info('Telegram commands by webhook: registered');
        await this.menu();
      },
      {
        isClosing: () => this.closing,
        delay: this.delay,
        onError: (err, retryInMs) => this.log.warn({ err: redactSecrets(err instanceof Error ? err.message : String(err)), retry_in_ms: retryInMs }, 'setWebhook failed; retrying'),
      },
    );
  }

  isRunning(): boolean {
    return !this.closing;
  }

  isLive(): boolean {
    return this.registered;
  }

  describe(): Record<string, unknown> {
    return { mode: 'webhook', registered: this.registered };
  }

  async close(): Promise<void> {
    this.closing = true;
    this.delay.wake();
    await this.done;
  }
}
