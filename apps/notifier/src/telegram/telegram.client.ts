import { getLogger } from '@app/observability';
import { classifyNetworkError, classifyReply, type SendOutcome } from './send-outcome';
import { sendDuration } from './telegram.metrics';

/** What the delivery logic needs from Telegram: one sendMessage. Never throws. */
export interface TelegramSender {
  readonly dryRun: boolean;
  sendMessage(chatId: string, text: string): Promise<SendOutcome>;
}

export interface TelegramClientOptions {
  /** Bot API base URL, e.g. `https://api.telegram.org` or a self-hosted Bot API server. */
  apiUrl: string;
  token: string;
  /** Abort a request (and its body read) after this long. */
  timeoutMs: number;
}

/**
 * Bot API `sendMessage` over fetch. The token lives only in the request path; nothing derived
 * from the URL or the raw error reaches a log or an error message (see send-outcome.ts).
 */
export class TelegramClient implements TelegramSender {
  readonly dryRun = false;
  private readonly url: string;

  constructor(private readonly opts: TelegramClientOptions) {
    this.url = `${opts.apiUrl.replace(/\/+$/, '')}/bot${opts.token}/sendMessage`;
  }

  async sendMessage(chatId: string, text: string): Promise<SendOutcome> {
    const started = performance.now();
    let outcome: SendOutcome;
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: chatId, text, parse_mode: 'HTML', link_preview_options: { is_disabled: true } }),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      const body: unknown = await res.json().catch(() => undefined);
      outcome = classifyReply(res.status, body);
    } catch (err) {
      outcome = classifyNetworkError(err);
    }
    sendDuration.observe({ outcome: outcome.kind }, (performance.now() - started) / 1000);
    return outcome;
  }
}

/** No token configured: log what would have been sent, and report it as sent. */
export class DryRunTelegramClient implements TelegramSender {
  readonly dryRun = true;
  private readonly log = getLogger('telegram-dry-run');
  private nextId = 1;

  async sendMessage(chatId: string, text: string): Promise<SendOutcome> {
    this.log.info({ chat_id: chatId, chars: text.length, text }, 'dry run (no TELEGRAM_BOT_TOKEN): would send this message');
    return { kind: 'sent', messageId: this.nextId++ };
  }
}
