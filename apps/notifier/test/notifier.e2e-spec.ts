import { KEYS, latencySamplesKey } from '@app/contracts';
import { ControlStore } from '@app/redis-streams';
import { waitFor } from '@app/testing';
import { formatControl, formatPositionClosed, formatSignal } from '../src/telegram/message.formatter';
import { makeClosedEvent, makeSignal } from './fixtures/signals';
import { metricValue, NotifierHarness, TEST_TOKEN, type NotifierProcess } from './notifier-harness';

/**
 * One built notifier process against a real Redis and the fake Bot API: what a chat receives, and
 * how 429s, 5xx, network errors and a permanent 403 are handled. Limits are raised so the suite
 * is quick; rate-limits.e2e-spec.ts checks the defaults.
 */
describe('notifier process', () => {
  const CHATS = ['1001', '1002', '-1003'];
  let h: NotifierHarness;
  let n: NotifierProcess;
  let next = 0;
  /** Fresh signals per test: their timestamps identify them in the fake's messages. */
  const signals = (count: number) => Array.from({ length: count }, () => makeSignal(next++));

  beforeAll(async () => {
    h = await NotifierHarness.start();
    n = await h.notifier('notifier-e2e', {
      TELEGRAM_CHAT_IDS: CHATS.join(','),
      TELEGRAM_CHAT_RATE_PER_SEC: '20',
      TELEGRAM_GROUP_RATE_PER_MIN: '1200',
      TELEGRAM_GLOBAL_RATE: '100',
      NOTIFIER_JOB_ATTEMPTS: '3',
      NOTIFIER_BACKOFF_MS: '200',
    });
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.tg.setBehaviour(undefined);
    h.tg.messages.length = 0;
    h.tg.requests.length = 0;
    h.resetCounts();
  });

  it('sends each signal to every chat as one readable HTML message, and reports health and metrics', async () => {
    const [s] = signals(1);
    await h.publishSignals([s]);
    await h.waitDelivered(CHATS, [s.timestamp], 10_000);
    for (const chat of CHATS) {
      expect(h.tg.messagesFor(chat)).toEqual([expect.objectContaining({ chat_id: chat, parse_mode: 'HTML', text: formatSignal(s) })]);
    }

    const health = await fetch(`http://127.0.0.1:${n.port}/health`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { status: string; details: Record<string, { status: string }> };
    expect(body.status).toBe('ok');
    expect(Object.keys(body.details).sort()).toEqual(['positions_consumer', 'redis', 'signals_consumer', 'telegram_queue', 'telegram_worker']);

    const metrics = await h.metrics(n);
    expect(metricValue(metrics, 'telegram_messages_sent_total', { kind: 'signal' })).toBeGreaterThanOrEqual(3);
    expect(metricValue(metrics, 'telegram_send_duration_seconds_count', { outcome: 'sent' })).toBeGreaterThanOrEqual(3);
    // Stored on the stream → accepted by Telegram, once per chat.
    expect(metricValue(metrics, 'notifier_signal_delivery_latency_seconds_count')).toBe(3);
    // The same samples in Redis, where the gateway's /api/stats reads them.
    expect(Number(await h.client.get(`${latencySamplesKey('telegram')}:count`))).toBe(3);
    expect(metricValue(metrics, 'bullmq_queue_jobs', { queue: 'telegram', state: 'failed' })).toBe(0);
    expect(metricValue(metrics, 'stream_group_lag', { stream: 'signals', group: 'notifier' })).toBe(0);
  });

  it('announces each kill switch change in every chat, once, and nothing for a repeated pause', async () => {
    const store = new ControlStore(h.client);
    const paused = await store.change('paused', 'alice');
    const again = await store.change('paused', 'bob');
    expect(again.changed).toBe(false);
    const resumed = await store.change('enabled', 'alice');
    const texts = [
      formatControl({ ...paused.state, previous: 'enabled' }),
      formatControl({ ...resumed.state, previous: 'paused' }),
    ];
    expect(texts[0]).toContain('Trading paused');
    expect(texts[0]).toContain('<b>alice</b>');
    const text = (chat: string) => h.tg.messagesFor(chat).map((m) => m.text).join('\n');
    await waitFor(() => CHATS.every((c) => text(c).includes('Trading resumed')), { timeoutMs: 10_000, what: 'both changes announced in every chat' });
    for (const chat of CHATS) {
      const sent = h.tg.messagesFor(chat).map((m) => m.text);
      // Sent one by one (each message in full), unless the two were grouped into a digest.
      if (sent.length === 2) expect(sent).toEqual(texts);
      const all = text(chat);
      expect(all.split('Trading paused').length - 1).toBe(1);
      expect(all.split('Trading resumed').length - 1).toBe(1);
      expect(all).not.toContain('bob');
    }
  });

  it('marks a replayed signal in every chat, and leaves a live one unmarked', async () => {
    const [live, replayed] = signals(2);
    replayed.metadata = { ...replayed.metadata, source: 'replay' };
    await h.publishSignals([live]);
    await h.waitDelivered(CHATS, [live.timestamp], 10_000);
    await h.publishSignals([replayed]);
    await h.waitDelivered(CHATS, [replayed.timestamp], 10_000);
    for (const chat of CHATS) {
      const [liveText, replayText] = h.tg.messagesFor(chat).map((m) => m.text);
      expect(liveText).toBe(formatSignal(live));
      expect(liveText).not.toContain('REPLAY');
      expect(replayText.split('\n')[0]).toBe('<b>🧪 REPLAY</b> · not a live signal, do not trade');
      expect(replayText).toContain(replayed.timestamp);
    }
  });

  it('reports a closed position, not an opened one', async () => {
    const closed = makeClosedEvent({ signal_timestamp: makeSignal(next++).timestamp, symbol: 'SOL<&>USDT' });
    const { type: _type, reason: _r, exit_price: _e, closed_at: _c, pnl_pct: _p, pnl_leveraged_pct: _l, r_multiple: _m, hold_seconds: _h, ...base } = closed;
    await h.publishPositionEvents([{ ...base, type: 'opened', signal_timestamp: makeSignal(next++).timestamp }, closed]);
    await h.waitDelivered(CHATS, [closed.signal_timestamp], 10_000);
    for (const chat of CHATS) expect(h.tg.messagesFor(chat).map((m) => m.text)).toEqual([formatPositionClosed(closed)]);
  });

  it('honours 429 retry_after: sends pause that long, no attempt is burnt, nothing is lost or repeated', async () => {
    const [first, second] = signals(2);
    let refusals = 0;
    // Five 429s for one chat: with 3 attempts per job, burnt attempts would fail its job. The first
    // is answered late, so the other chats' sends of `first` are done before the pause starts.
    h.tg.setBehaviour((req) =>
      req.chat_id === '1001' && refusals < 5 ? { status: 429, retryAfter: 1, delayMs: refusals++ === 0 ? 100 : 0 } : undefined,
    );
    await h.publishSignals([first]);
    await waitFor(async () => (await h.client.pttl(`${KEYS.notifierDelivery}:pause`)) > 0, { what: 'the 429 pause' });
    // Published during the pause: no chat may be sent it before retry_after has passed.
    await h.publishSignals([second]);
    await h.waitDelivered(CHATS, [first.timestamp, second.timestamp], 15_000);

    for (const chat of CHATS) {
      expect(h.deliveries(chat).get(first.timestamp)).toBe(1);
      expect(h.deliveries(chat).get(second.timestamp)).toBe(1);
    }
    const reqs = h.tg.requests;
    const limited = reqs.filter((r) => r.status === 429);
    expect(limited).toHaveLength(5);
    const firstSecondSend = Math.min(...reqs.filter((r) => r.text.includes(second.timestamp)).map((r) => r.at));
    expect(firstSecondSend - limited[0].repliedAt).toBeGreaterThanOrEqual(1000);
    const to1001 = reqs.filter((r) => r.chat_id === '1001');
    for (let i = 1; i < to1001.length; i++) expect(to1001[i].at - to1001[i - 1].repliedAt).toBeGreaterThanOrEqual(1000);
    const metrics = await h.metrics(n);
    expect(metricValue(metrics, 'telegram_messages_retried_total', { reason: 'rate_limited' })).toBe(5);
    expect((await h.queue.getJobCounts('failed')).failed).toBe(0);
  });

  it('retries 5xx and dropped connections with exponential backoff and delivers once', async () => {
    const [s] = signals(1);
    let failures = 0;
    h.tg.setBehaviour((req) => (req.chat_id === '1002' && failures < 2 ? (failures++ === 0 ? { status: 502 } : { drop: true }) : undefined));
    await h.publishSignals([s]);
    await h.waitDelivered(CHATS, [s.timestamp], 10_000);

    for (const chat of CHATS) expect(h.deliveries(chat).get(s.timestamp)).toBe(1);
    const to1002 = h.tg.requests.filter((r) => r.chat_id === '1002');
    expect(to1002.map((r) => r.status)).toEqual([502, 0, 200]);
    // Backoff 200 ms, then 400 ms.
    expect(to1002[1].at - to1002[0].at).toBeGreaterThanOrEqual(200);
    expect(to1002[2].at - to1002[1].at).toBeGreaterThanOrEqual(400);
    const metrics = await h.metrics(n);
    expect(metricValue(metrics, 'telegram_messages_retried_total', { reason: 'server_error' })).toBe(1);
    expect(metricValue(metrics, 'telegram_messages_retried_total', { reason: 'network' })).toBe(1);
  });

  it('fails a 403 chat for good without retries, with a metric and a clear log line, and still serves the other chats', async () => {
    const batch = signals(3);
    h.tg.setBehaviour((req) => (req.chat_id === '-1003' ? { status: 403, description: 'Forbidden: bot was kicked from the supergroup chat' } : undefined));
    const failedBefore = (await h.queue.getJobCounts('failed')).failed;
    await h.publishSignals(batch);
    const markers = batch.map((s) => s.timestamp);
    await h.waitDelivered(['1001', '1002'], markers, 10_000);
    await waitFor(async () => (await h.queue.getJobCounts('failed')).failed === failedBefore + 3, { what: 'three jobs failed for good' });

    for (const chat of ['1001', '1002']) for (const m of markers) expect(h.deliveries(chat).get(m)).toBe(1);
    // Each signal was offered to the refusing chat exactly once: no retry of a 403.
    const offered = h.tg.requests.filter((r) => r.chat_id === '-1003').flatMap((r) => markers.filter((m) => r.text.includes(m)));
    expect(offered.sort()).toEqual([...markers].sort());
    expect(h.tg.messagesFor('-1003')).toEqual([]);
    const metrics = await h.metrics(n);
    expect(metricValue(metrics, 'telegram_messages_failed_total', { reason: 'forbidden' })).toBeGreaterThanOrEqual(1);
    expect(n.proc.output()).toContain('Telegram refused the message for good (403 Forbidden: bot was kicked from the supergroup chat); not retrying');
    const failed = await h.queue.getFailed();
    expect(failed[0].failedReason).toMatch(/^Telegram refused delivery to chat -1003 \((forbidden|earlier)/);
  });

  it('never lets the bot token reach a log line, a job record or an error', async () => {
    const out = n.proc.output();
    expect(out.length).toBeGreaterThan(1000);
    expect(out).not.toContain(TEST_TOKEN);
    expect(out).not.toContain(TEST_TOKEN.split(':')[1]);
    const jobs = [...(await h.queue.getFailed()), ...(await h.queue.getCompleted())];
    expect(jobs.length).toBeGreaterThan(0);
    expect(JSON.stringify(jobs.map((j) => [j.failedReason, j.stacktrace, j.data, j.returnvalue]))).not.toContain(TEST_TOKEN.split(':')[1]);
  });
});
