import { hostname } from 'node:os';
import { z } from 'zod';
import { baseConfigFromEnv, baseEnvSchema, ConfigError, int, parseEnv, positive, splitList, unsetIfEmpty, type BaseConfig, type Env, jobRetentionEnvShape, jobRetentionFromEnv, type JobRetention } from '@app/config';
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
  /** How long the `telegram` queue keeps finished job records (JOBS_KEEP_*). */
  ...jobRetentionEnvShape,
  /** Chats whose commands (/status, /pause, ...) are obeyed; every other chat gets no answer. Empty: commands off. */
  TELEGRAM_ADMIN_CHAT_IDS: unsetIfEmpty(z.string().optional()),
  /** How commands reach the bot: `polling` (one replica long-polls getUpdates), `webhook`, or `off`. */
  TELEGRAM_COMMANDS: z.enum(['polling', 'webhook', 'off'], { error: 'TELEGRAM_COMMANDS must be polling, webhook or off' }).default('polling'),
  /** Seconds one getUpdates call waits for an update (Telegram allows up to 50). */
  TELEGRAM_POLL_TIMEOUT_SECONDS: int(0, 50).default(25),
  /** The polling replica's lease: a dead replica's polling is taken over within about this long. */
  TELEGRAM_POLL_LEASE_MS: int(500, 600_000).default(10_000),
  /** Webhook mode: the public https URL Telegram posts updates to (this service's /telegram/webhook behind a proxy). */
  TELEGRAM_WEBHOOK_URL: unsetIfEmpty(z.string().regex(/^https:\/\/[^\s/]+/, 'TELEGRAM_WEBHOOK_URL must be an https URL').optional()),
  /** Webhook mode: Telegram sends it in X-Telegram-Bot-Api-Secret-Token; other posts are refused. Never logged. */
  TELEGRAM_WEBHOOK_SECRET: unsetIfEmpty(z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'TELEGRAM_WEBHOOK_SECRET must be 16-256 characters of A-Z, a-z, 0-9, _ and -').optional()),
  /** Where the commands read signals, positions and performance, and send /close. */
  GATEWAY_URL: z.string().regex(/^https?:\/\/[^\s/]+/, 'GATEWAY_URL must be an http(s) URL').default('http://127.0.0.1:8888'),
  /** The gateway's API_KEY, when it has one (sent as X-API-Key). Never logged. */
  API_KEY: unsetIfEmpty(z.string().min(8, 'API_KEY must be at least 8 characters').optional()),
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
  queue: { concurrency: number; attempts: number; backoffMs: number; lockMs: number; stalledIntervalMs: number; retention: JobRetention };
  delivery: { retentionMs: number; lockTtlMs: number };
  commands: CommandsConfig;
}

export interface CommandsConfig {
  /** `off` also when there is no token or no admin chat. */
  mode: 'polling' | 'webhook' | 'off';
  /** Numeric chat ids (users, groups) allowed to command. */
  adminChatIds: ReadonlySet<number>;
  pollTimeoutSeconds: number;
  leaseMs: number;
  webhook: { url: string; secret: string } | undefined;
  gateway: { url: string; apiKey: string | undefined; timeoutMs: number };
}

/** Validates the environment; the error names every bad variable and never echoes a secret. */
export function loadConfig(env: Env): NotifierConfig {
  const e = parseEnv(notifierEnvSchema, env);
  registerSecret(e.TELEGRAM_BOT_TOKEN);
  registerSecret(e.TELEGRAM_WEBHOOK_SECRET);
  registerSecret(e.API_KEY);
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
      retention: jobRetentionFromEnv(e),
    },
    delivery: {
      retentionMs: e.NOTIFIER_RETENTION_HOURS * 3_600_000,
      // Outlives any live send (request timeout plus slack), so only a dead sender's lock expires.
      lockTtlMs: e.TELEGRAM_TIMEOUT_MS + Math.max(1000, Math.round(e.TELEGRAM_TIMEOUT_MS / 2)),
    },
    commands: commandsConfig(e),
  };
}

function commandsConfig(e: NotifierEnv): CommandsConfig {
  const admins = splitList(e.TELEGRAM_ADMIN_CHAT_IDS ?? '');
  const bad = admins.find((id) => !/^-?\d{1,20}$/.test(id));
  if (bad !== undefined) throw new ConfigError(`invalid configuration: TELEGRAM_ADMIN_CHAT_IDS: '${bad}' is not a numeric chat id (a user id like 123456 or a group id like -1001234567890)`);
  let webhook: CommandsConfig['webhook'];
  if (e.TELEGRAM_COMMANDS === 'webhook') {
    if (!e.TELEGRAM_WEBHOOK_URL || !e.TELEGRAM_WEBHOOK_SECRET) {
      throw new ConfigError('invalid configuration: TELEGRAM_COMMANDS=webhook needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET');
    }
    webhook = { url: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET };
  }
  const on = e.TELEGRAM_BOT_TOKEN !== undefined && admins.length > 0;
  return {
    mode: on ? e.TELEGRAM_COMMANDS : 'off',
    adminChatIds: new Set(admins.map(Number)),
    pollTimeoutSeconds: e.TELEGRAM_POLL_TIMEOUT_SECONDS,
    leaseMs: e.TELEGRAM_POLL_LEASE_MS,
    webhook,
    gateway: { url: e.GATEWAY_URL.replace(/\/+$/, ''), apiKey: e.API_KEY, timeoutMs: 5000 },
  };
}
