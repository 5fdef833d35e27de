import { counter, histogram } from '@app/observability';

export const messagesSent = counter({
  name: 'telegram_messages_sent_total',
  help: 'Messages Telegram accepted, by kind (signal, position_closed, digest)',
  labelNames: ['kind'] as const,
});

export const itemsDelivered = counter({
  name: 'telegram_items_delivered_total',
  help: 'Signals and position closes delivered to a chat; a digest counts each item it carries',
  labelNames: ['kind'] as const,
});

export const messagesFailed = counter({
  name: 'telegram_messages_failed_total',
  help: 'Messages refused for good (bad_request, unauthorized, forbidden, not_found, client_error) or out of retries (retries_exhausted)',
  labelNames: ['reason'] as const,
});

export const messagesRetried = counter({
  name: 'telegram_messages_retried_total',
  help: 'Sends to be tried again: rate_limited (429, retry_after honoured), server_error, network, timeout, bad_reply',
  labelNames: ['reason'] as const,
});

/**
 * From the signal stored on the stream (its entry id's time) to Telegram accepting a message
 * with it, per chat: the trader's delay, rate-limit waits and digests included.
 */
export const signalDeliveryLatency = histogram({
  name: 'notifier_signal_delivery_latency_seconds',
  help: 'From the signal stored on the signals stream to Telegram accepting it, per chat',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
});
