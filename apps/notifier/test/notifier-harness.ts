import Redis from 'ioredis';
import { Queue } from 'bullmq';
import { BULLMQ_PREFIX, encodeEntry, GROUPS, type NewSignal, type PositionEvent, QUEUES, STREAMS } from '@app/contracts';
import { ensureGroup } from '@app/redis-streams';
import { freePort, startRedis, startService, waitFor, type ServiceProcess, type TestRedis } from '@app/testing';
import { startFakeTelegram, type FakeTelegram } from './fixtures/fake-telegram.server';
import { markersIn } from './fixtures/signals';

/** A well-formed token the fake accepts; every test greps the notifier's output for it. */
export const TEST_TOKEN = '7357735773:AAF-test_token_for_the_fake_bot_api_0123';

export interface NotifierProcess {
  proc: ServiceProcess;
  port: number;
  name: string;
}

/**
 * A private redis-server, the fake Bot API, and built notifier processes (`npm run build` first)
 * pointed at both. Settings that decide how fast a dead replica's work is taken over are short.
 */
export class NotifierHarness {
  readonly running: NotifierProcess[] = [];
  private readonly counted = new Map<string, { messages: number; counts: Map<string, number> }>();

  private constructor(
    readonly redis: TestRedis,
    readonly client: Redis,
    readonly tg: FakeTelegram,
    readonly queue: Queue,
  ) {}

  static async start(): Promise<NotifierHarness> {
    const redis = await startRedis();
    const client = new Redis(redis.url);
    // As the signal-generator does before its first XADD: the groups exist before any entry.
    await ensureGroup(client, STREAMS.signals, GROUPS.notifier);
    await ensureGroup(client, STREAMS.positions, GROUPS.notifier);
    const tg = await startFakeTelegram({ token: TEST_TOKEN });
    const queue = new Queue(QUEUES.telegram, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: BULLMQ_PREFIX });
    return new NotifierHarness(redis, client, tg, queue);
  }

  /** Starts a notifier and waits for /health to answer 200. */
  async notifier(name: string, env: Record<string, string>): Promise<NotifierProcess> {
    const port = await freePort();
    const proc = startService(
      'notifier',
      {
        REDIS_URL: this.redis.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        CONSUMER_NAME: name,
        TELEGRAM_BOT_TOKEN: TEST_TOKEN,
        TELEGRAM_API_URL: this.tg.url,
        TELEGRAM_TIMEOUT_MS: '2000',
        CLAIM_IDLE_MS: '1000',
        CLAIM_INTERVAL_MS: '500',
        NOTIFIER_JOB_LOCK_MS: '2000',
        NOTIFIER_STALLED_INTERVAL_MS: '1000',
        ...env,
      },
      name,
    );
    const p = { proc, port, name };
    this.running.push(p);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status === 200, {
      timeoutMs: 15_000,
      what: `${name} healthy`,
    });
    return p;
  }

  /** XADDs the signals in one pipeline; returns their entry ids. */
  async publishSignals(signals: readonly NewSignal[]): Promise<string[]> {
    return this.publish(STREAMS.signals, signals);
  }

  async publishPositionEvents(events: readonly PositionEvent[]): Promise<string[]> {
    return this.publish(STREAMS.positions, events);
  }

  /** For each chat: marker (signal timestamp) → how many accepted messages carried it. */
  deliveries(chatId: string): Map<string, number> {
    // Counted incrementally: the fake runs in this process, so polling must stay cheap.
    const messages = this.tg.messagesFor(chatId);
    let seen = this.counted.get(chatId);
    if (!seen || seen.messages > messages.length) seen = { messages: 0, counts: new Map() };
    for (const m of messages.slice(seen.messages)) for (const marker of markersIn(m.text)) seen.counts.set(marker, (seen.counts.get(marker) ?? 0) + 1);
    seen.messages = messages.length;
    this.counted.set(chatId, seen);
    return seen.counts;
  }

  /** Waits until every chat has every marker at least once. */
  async waitDelivered(chats: readonly string[], markers: readonly string[], timeoutMs: number): Promise<void> {
    await waitFor(
      () => chats.every((c) => {
        const got = this.deliveries(c);
        return markers.every((m) => got.has(m));
      }),
      { timeoutMs, intervalMs: 50, what: `${markers.length} signals delivered to ${chats.join(', ')}` },
    );
  }

  /** After clearing the fake's messages. */
  resetCounts(): void {
    this.counted.clear();
  }

  async metrics(p: NotifierProcess): Promise<string> {
    return (await fetch(`http://127.0.0.1:${p.port}/metrics`)).text();
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.running.splice(0).map((p) => p.proc.kill('SIGKILL')));
  }

  async close(): Promise<void> {
    await this.stopAll();
    await this.queue.close();
    await (await this.queue.client).quit();
    await this.tg.close();
    this.client.disconnect();
    await this.redis.stop();
  }

  private async publish(stream: string, payloads: readonly unknown[]): Promise<string[]> {
    const pipe = this.client.pipeline();
    for (const p of payloads) pipe.xadd(stream, '*', ...encodeEntry(p));
    const replies = (await pipe.exec()) ?? [];
    return replies.map(([err, id]) => {
      if (err) throw err;
      return id as string;
    });
  }
}

/** The value of one series in Prometheus text format, or undefined. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}
