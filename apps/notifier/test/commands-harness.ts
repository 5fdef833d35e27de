import { formatMicros, type Candle, type ProducedSignal } from '@app/contracts';
import { MarketPublisher } from '@app/redis-streams';
import { freePort, startService, waitFor, type ServiceProcess } from '@app/testing';
import { plainText, type FakeMessage, type FakeUser } from './fixtures/fake-telegram.server';
import type { NotifierHarness } from './notifier-harness';

/** The admin chat (a private chat: the user is the chat) and a stranger. */
export const ADMIN: FakeUser = { id: 4242, username: 'alice', first_name: 'Alice' };
export const STRANGER: FakeUser = { id: 4343, username: 'mallory', first_name: 'Mallory' };
/** Where signals and kill switch announcements are delivered. */
export const DELIVERY_CHAT = '5555';
export const API_KEY = 'gateway-key-for-the-commands-test';

/** Settings of a notifier that takes commands: short lease and poll, so failover is quick. */
export const COMMANDS_ENV = {
  TELEGRAM_CHAT_IDS: DELIVERY_CHAT,
  TELEGRAM_ADMIN_CHAT_IDS: String(ADMIN.id),
  TELEGRAM_POLL_TIMEOUT_SECONDS: '5',
  TELEGRAM_POLL_LEASE_MS: '1500',
  API_KEY,
  TELEGRAM_CHAT_RATE_PER_SEC: '50',
  TELEGRAM_GROUP_RATE_PER_MIN: '3000',
  TELEGRAM_GLOBAL_RATE: '200',
};

/** A built gateway process (API key on) and a position-closer on the harness's Redis. */
export async function startBackends(h: NotifierHarness): Promise<{ gatewayUrl: string; procs: ServiceProcess[] }> {
  const [gwPort, closerPort] = [await freePort(), await freePort()];
  const gateway = startService('api-gateway', { REDIS_URL: h.redis.url, PORT: String(gwPort), HOST: '127.0.0.1', API_KEY, LOG_LEVEL: 'warn' }, 'gateway');
  const closer = startService('position-closer', { REDIS_URL: h.redis.url, PORT: String(closerPort), HOST: '127.0.0.1', CONSUMER_NAME: 'closer', LOG_LEVEL: 'warn' }, 'closer');
  const gatewayUrl = `http://127.0.0.1:${gwPort}`;
  await waitFor(async () => (await fetch(`${gatewayUrl}/api/health`).catch(() => null))?.status === 200, { timeoutMs: 20_000, what: 'gateway healthy' });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${closerPort}/health`).catch(() => null))?.status === 200, { timeoutMs: 20_000, what: 'closer healthy' });
  return { gatewayUrl, procs: [gateway, closer] };
}

export async function gatewayGet(gatewayUrl: string, path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${gatewayUrl}${path}`, { headers: { 'x-api-key': API_KEY } });
  return (await res.json()) as Record<string, unknown>;
}

const T0 = Date.UTC(2025, 4, 6, 12, 0, 0);

/** A live signal made on the minute-0 candle, stamped now (so the gateway serves it as active). */
export function liveSignal(symbol: string, direction: 'BUY' | 'SELL', entry: number, stop: number, target: number): ProducedSignal {
  return {
    timestamp: formatMicros(Date.now() * 1000),
    symbol,
    direction,
    entry_price: entry,
    stop_loss: stop,
    take_profit: target,
    leverage: 10,
    signal_strength: 75,
    timeframe: '1m',
    strategy_name: 'Consensus',
    metadata: {
      consensus_confidence: 70,
      strategies_agree: 2,
      risk_reward_ratio: 2,
      source: 'live',
      votes: [
        { strategy: 'ema_cross', direction, confidence: 70, reason: 'agrees' },
        { strategy: 'rsi_extreme', direction, confidence: 70, reason: 'agrees' },
      ],
      candle_time: new Date(T0).toISOString(),
    },
  };
}

export function bar(symbol: string, minute: number, high: number, low: number, close: number): Candle {
  const open_time = T0 + minute * 60_000;
  return { symbol, timeframe: '1m', open_time, close_time: open_time + 59_999, open: close, high, low, close, volume: 1 };
}

/** Publishes as the signal-generator does (signal on `signals` and `market`); returns its id. */
export async function publishLive(publisher: MarketPublisher, s: ProducedSignal): Promise<string> {
  return (await publisher.publish(null, [s])).signalIds[0];
}

/** Every answer the bot gave to one message of a chat (reply_parameters point at it). */
export function answersTo(h: NotifierHarness, chat: number, messageId: number): FakeMessage[] {
  return h.tg.messagesFor(chat).filter((m) => m.reply_to === messageId);
}

export interface Answer {
  message: FakeMessage;
  /** What the user reads: tags removed, entities decoded. */
  text: string;
  /** callback_data of every button, row by row. */
  buttons: string[];
}

/** Types `text` as `from` in their private chat and waits for the bot's one answer. */
export async function ask(h: NotifierHarness, text: string, from: FakeUser = ADMIN, timeoutMs = 10_000): Promise<Answer> {
  const { message_id } = h.tg.sendCommand(from.id, text, from);
  const [message] = await waitFor(() => {
    const a = answersTo(h, from.id, message_id);
    return a.length ? a : undefined;
  }, { timeoutMs, what: `an answer to ${text}` });
  return toAnswer(message);
}

export function toAnswer(message: FakeMessage): Answer {
  return { message, text: plainText(message.text), buttons: (message.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.callback_data ?? '') };
}

/** Presses a button of the bot's message and waits until its callback query is answered. */
export async function press(h: NotifierHarness, chat: number, messageId: number, data: string, from: FakeUser = ADMIN): Promise<{ answer: string | undefined; text: string }> {
  const { callback_query_id } = h.tg.pressButton(chat, messageId, data, from);
  const answered = await waitFor(() => h.tg.callbackAnswers.find((a) => a.callback_query_id === callback_query_id), { what: `the answer to button ${data}` });
  return { answer: answered.text, text: h.tg.message(chat, messageId)?.text ?? '' };
}
