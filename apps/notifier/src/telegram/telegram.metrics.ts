import { histogram, LATENCY_BUCKETS } from '@app/observability';

/** The Bot API client's own latency; what the sends mean for delivery is counted in delivery/. */
export const sendDuration = histogram({
  name: 'telegram_send_duration_seconds',
  help: 'Bot API sendMessage latency, by outcome',
  labelNames: ['outcome'] as const,
  buckets: LATENCY_BUCKETS,
});
