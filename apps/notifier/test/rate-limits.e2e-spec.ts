import { waitFor } from '@app/testing';
import type { FakeMessage } from './fixtures/fake-telegram.server';
import { makeSignal } from './fixtures/signals';
import { NotifierHarness } from './notifier-harness';

/**
 * Telegram's default limits, held across two replicas: a burst for 40 chats (more than 30
 * messages/s are wanted) never shows the fake a chat above 1 message/s, a group above 20/min, or
 * any 1-second window above 30 messages; the backlog is sent as digests and nothing is lost.
 */
describe('default rate limits across two replicas', () => {
  const PRIVATE = Array.from({ length: 38 }, (_, i) => String(3001 + i));
  const GROUPS = ['-3101', '-3102'];
  const CHATS = [...PRIVATE, ...GROUPS];
  const SIGNALS = 120;
  let h: NotifierHarness;

  beforeAll(async () => {
    h = await NotifierHarness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Most messages in any window of `ms` starting at a message. */
  const busiest = (messages: readonly FakeMessage[], ms: number): number => {
    const at = messages.map((m) => m.at).sort((a, b) => a - b);
    let best = 0;
    for (let i = 0, j = 0; i < at.length; i++) {
      while (j < at.length && at[j] < at[i] + ms) j++;
      best = Math.max(best, j - i);
    }
    return best;
  };

  it('never exceeds 1/s per chat, 20/min per group, 30 in any second, and delivers everything once', async () => {
    const env = { TELEGRAM_CHAT_IDS: CHATS.join(',') };
    await h.notifier('limits-a', env);
    await h.notifier('limits-b', env);
    const signals = Array.from({ length: SIGNALS }, (_, i) => makeSignal(i));
    await h.publishSignals(signals);
    await h.waitDelivered(CHATS, signals.map((s) => s.timestamp), 30_000);
    await waitFor(async () => (await h.queue.getJobCounts('completed')).completed === SIGNALS, { what: 'all jobs completed' });

    for (const chat of CHATS) {
      const counts = h.deliveries(chat);
      expect(counts.size).toBe(SIGNALS);
      expect([...counts.values()].every((c) => c === 1)).toBe(true);
      const at = h.tg.messagesFor(chat).map((m) => m.at);
      for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(1000);
    }
    for (const group of GROUPS) expect(busiest(h.tg.messagesFor(group), 60_000)).toBeLessThanOrEqual(20);
    const peak = busiest(h.tg.messages, 1000);
    expect(peak).toBeLessThanOrEqual(30);
    // The limit was what held the senders back (else this test would prove nothing).
    expect(peak).toBeGreaterThanOrEqual(25);
    // A backlog for a chat went out as digests, not one message per signal.
    expect(h.tg.messages.length).toBeLessThan(SIGNALS * CHATS.length / 5);
    expect(h.tg.requests.every((r) => r.status === 200)).toBe(true);
    const span = Math.max(...h.tg.messages.map((m) => m.at)) - Math.min(...h.tg.messages.map((m) => m.at));
    process.stdout.write(`[notifier] default limits: ${SIGNALS} signals × ${CHATS.length} chats in ${h.tg.messages.length} messages over ${span} ms, busiest second ${peak}\n`);
  });
});
