import { hostname } from 'node:os';
import { z } from 'zod';
import { baseConfigFromEnv, baseEnvSchema, ConfigError, int, parseEnv, positive, unsetIfEmpty, type BaseConfig, type Env } from '@app/config';
import { registerSecret } from '@app/observability';
import { parseChatIds, type ChatTarget } from './delivery/chat-target';
import type { RateLimits } from './delivery/send-windows';

const rate = positive();

/** The chat used in a dry run without TELEGRAM_CHAT_IDS: only ever logged. */
export const DRY_RUN_CHAT = 'dry-run';

/** Every setting of the notifier; main.ts loads it once and nothing else reads `process.env`. */
export const notifierEnvSchema = baseEnvSchema(9101).extend({
  /** Unset or empty: dry run, messages are logged instead of sent. The message never echoes the value. */
  TELEGRAM_BOT_TOKEN: unsetIfEmpty(
    z.string().regex(/^\d{3,20}:[A-Za-z0-9_-]{10,100}$/, 'TELEGRAM_BOT_TOKEN must look like 123456789:AAE... (as BotFather gives it)').optional(),
  ),
  /** Comma list: user ids, negative group ids, @channel names. Required unless running dry. */
  TELEGRAM_CHAT_IDS: unsetIfEmpty(z.string().optional()),
  TELEGRAM_API_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/]+/, 'TELEGRAM_API_URL must be an http(s) URL')
    .default('https://api.telegram.org'),
  /** Messages per second over all chats (Telegram: about 30). */
  TELEGRAM_GLOBAL_RATE: rate.default(30),
  /** Messages per second to one chat (Telegram: about 1). */
  TELEGRAM_CHAT_RATE_PER_SEC: rate.default(1),
  /** Messages per minute to one group (Telegram: 20). */
  TELEGRAM_GROUP_RATE_PER_MIN: rate.default(20),
  /** Safety margin added to every rate window, absorbing clock and latency jitter. */
  TELEGRAM_RATE_MARGIN_MS: int(0, 1000).default(25),
  /** A sendMessage without a reply after this long counts as a network error (and is retried). */
  TELEGRAM_TIMEOUT_MS: int(100, 120_000).default(10_000),
  /** Stable per replica: a restarted replica re-reads the entries it had not acknowledged. */
  CONSUMER_NAME: z.string().min(1).max(200).default(hostname()),
  /** Stream entries pending this long with a dead replica are taken over. */
  CLAIM_IDLE_MS: int(100, 3_600_000).default(30_000),
  CLAIM_INTERVAL_MS: int(50, 600_000).default(5000),
  /** Jobs one replica works on at once (most of them wait for a rate window). */
  NOTIFIER_CONCURRENCY: int(1, 500).default(20),
  /** Tries per job for 5xx/network failures (429s do not count), with exponential backoff. */
  NOTIFIER_JOB_ATTEMPTS: int(1, 100).default(8),
  NOTIFIER_BACKOFF_MS: int(10, 600_000).default(2000),
  /** BullMQ job lock: a dead replica's jobs are taken over this long after it stopped renewing. */
  NOTIFIER_JOB_LOCK_MS: int(500, 600_000).default(30_000),
  /** How often BullMQ looks for jobs of dead replicas. */
  NOTIFIER_STALLED_INTERVAL_MS: int(100, 600_000).default(30_000),
  /** Sent/failed records and stored items are kept this long (dedupes redeliveries that old). */
  NOTIFIER_RETENTION_HOURS: int(1, 24 * 30).default(48),
});

export type NotifierEnv = z.infer<typeof notifierEnvSchema>;

export interface NotifierConfig extends BaseConfig {
  telegram: {
    /** Undefined: dry run. */
    token: string | undefined;
    apiUrl: string;
    timeoutMs: number;
    chats: ChatTarget[];
  };
  limits: RateLimits;
  consumer: { name: string; claimIdleMs: number; claimIntervalMs: number };
  queue: { concurrency: number; attempts: number; backoffMs: number; lockMs: number; stalledIntervalMs: number };
  delivery: { retentionMs: number; lockTtlMs: number };
}

/** Validates the environment; the error names every bad variable and never echoes a secret. */
export function loadConfig(env: Env): NotifierConfig {
  const e = parseEnv(notifierEnvSchema, env);
  registerSecret(e.TELEGRAM_BOT_TOKEN);
  const base = baseConfigFromEnv(e);
  let chats: ChatTarget[];
  try {
    chats = parseChatIds(e.TELEGRAM_CHAT_IDS ?? '');
  } catch (err) {
    throw new ConfigError(`invalid configuration: TELEGRAM_CHAT_IDS: ${(err as Error).message}`);
  }
  if (!chats.length) {
    if (e.TELEGRAM_BOT_TOKEN) throw new ConfigError('invalid configuration: TELEGRAM_CHAT_IDS is required when TELEGRAM_BOT_TOKEN is set');
    chats = [{ id: DRY_RUN_CHAT, group: false }];
  }
  return {
    ...base,
    telegram: { token: e.TELEGRAM_BOT_TOKEN, apiUrl: e.TELEGRAM_API_URL.replace(/\/+$/, ''), timeoutMs: e.TELEGRAM_TIMEOUT_MS, chats },
    limits: {
      globalPerSecond: e.TELEGRAM_GLOBAL_RATE,
      chatPerSecond: e.TELEGRAM_CHAT_RATE_PER_SEC,
      groupPerMinute: e.TELEGRAM_GROUP_RATE_PER_MIN,
      marginMs: e.TELEGRAM_RATE_MARGIN_MS,
    },
    consumer: { name: e.CONSUMER_NAME, claimIdleMs: e.CLAIM_IDLE_MS, claimIntervalMs: e.CLAIM_INTERVAL_MS },
    queue: {
      concurrency: e.NOTIFIER_CONCURRENCY,
      attempts: e.NOTIFIER_JOB_ATTEMPTS,
      backoffMs: e.NOTIFIER_BACKOFF_MS,
      lockMs: e.NOTIFIER_JOB_LOCK_MS,
      stalledIntervalMs: e.NOTIFIER_STALLED_INTERVAL_MS,
    },
    delivery: {
      retentionMs: e.NOTIFIER_RETENTION_HOURS * 3_600_000,
      // Outlives any live send (request timeout plus slack), so only a dead sender's lock expires.
      lockTtlMs: e.TELEGRAM_TIMEOUT_MS + Math.max(1000, Math.round(e.TELEGRAM_TIMEOUT_MS / 2)),
    },
  };
}
