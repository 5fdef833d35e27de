/**
 * `npm run notify:test`: sends one test signal message to every chat in TELEGRAM_CHAT_IDS through
 * the notifier's own formatter and Bot API client, and prints what Telegram answered for each.
 * The same environment as the notifier (TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_IDS, TELEGRAM_API_URL);
 * without a token it is a dry run that prints the message instead.
 *
 * Exit code: 0 when every chat accepted it (or dry run), 1 when a chat did not, 2 on bad config.
 * It bypasses Redis and the queue: one message per chat is far below any rate limit.
 */
import { SignalSchema, MicrosClock, type NewSignal } from '@app/contracts';
import { createLogger } from '@app/observability';
import { CONFIG_EXIT_CODE, ConfigError } from '@app/config';
import { loadConfig, type NotifierConfig } from '../apps/notifier/src/config';
import { escapeHtml } from '../apps/notifier/src/telegram/html';
import { formatSignal } from '../apps/notifier/src/telegram/message.formatter';
import type { SendOutcome } from '../apps/notifier/src/telegram/send-outcome';
import { TelegramClient } from '../apps/notifier/src/telegram/telegram.client';

/**
 * The guide's example signal, stamped now, so a chat sees what a real live one looks like. It is
 * marked `live` only to preview that layout: it is never published, and the message is headed
 * "Test message" (a `demo` mark would show a second, redundant tag).
 */
function testSignal(): NewSignal {
  return SignalSchema.parse({
    timestamp: new MicrosClock().nowTimestamp(),
    symbol: 'ETHUSDT',
    direction: 'BUY',
    entry_price: 3500,
    stop_loss: 3482.5,
    take_profit: 3542,
    leverage: 20,
    signal_strength: 85.5,
    timeframe: '1m',
    strategy_name: 'HighFrequencyScalping',
    metadata: {
      consensus_confidence: 75,
      strategies_agree: 4,
      risk_reward_ratio: 2.4,
      source: 'live',
      votes: ['ema_cross', 'rsi_reversal', 'vwap_bounce', 'volume_breakout'].map((strategy) => ({ strategy, direction: 'BUY', confidence: 75, reason: 'test' })),
    },
  });
}

function describeOutcome(o: SendOutcome): string {
  switch (o.kind) {
    case 'sent':
      return `sent (message_id ${o.messageId})`;
    case 'rate_limited':
      return `rate limited by Telegram (retry after ${Math.round(o.retryAfterMs / 1000)} s): ${o.description}`;
    case 'transient':
      return `failed (${o.reason}): ${o.description}`;
    case 'permanent':
      return `refused (${o.status}): ${o.description}`;
  }
}

async function main(): Promise<number> {
  let cfg: NotifierConfig;
  try {
    cfg = loadConfig(process.env);
  } catch (err) {
    process.stderr.write(`notify:test: ${err instanceof ConfigError ? err.message : String(err)}\n`);
    return CONFIG_EXIT_CODE;
  }
  createLogger('notify-test', 'warn');
  const text = `🧪 <b>${escapeHtml('Test message (npm run notify:test)')}</b>\n${formatSignal(testSignal())}`;
  const { token, apiUrl, timeoutMs, chats } = cfg.telegram;
  if (!token) {
    process.stdout.write(`Dry run: TELEGRAM_BOT_TOKEN is not set, so nothing was sent. This is the message (HTML) each chat would get:\n\n${text}\n`);
    return 0;
  }
  const client = new TelegramClient({ apiUrl, token, timeoutMs });
  let failures = 0;
  for (const chat of chats) {
    const outcome = await client.sendMessage(chat.id, text);
    if (outcome.kind !== 'sent') failures++;
    process.stdout.write(`${outcome.kind === 'sent' ? '✓' : '✗'} chat ${chat.id}: ${describeOutcome(outcome)}\n`);
  }
  if (failures) process.stderr.write(`notify:test: ${failures} of ${chats.length} chat(s) did not get the test message\n`);
  else process.stdout.write(`notify:test: the test message reached all ${chats.length} chat(s)\n`);
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`notify:test failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
