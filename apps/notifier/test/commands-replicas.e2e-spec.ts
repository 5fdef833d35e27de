import { waitFor } from '@app/testing';
import { ADMIN, answersTo, COMMANDS_ENV } from './commands-harness';
import { metricValue, NotifierHarness, type NotifierProcess } from './notifier-harness';

/**
 * Two notifier processes take commands from one bot: only the replica holding the lease polls,
 * each update is answered once, and when the poller is kill -9ed the other takes over from the
 * committed offset. /help needs no gateway, so nothing but the polling is measured here.
 */
describe('Telegram commands with two notifier replicas', () => {
  let h: NotifierHarness;
  const ENV = { ...COMMANDS_ENV, GATEWAY_URL: 'http://127.0.0.1:9' };

  beforeEach(async () => {
    h = await NotifierHarness.start();
  });
  afterEach(async () => {
    await h?.close();
  });

  async function leaderOf(replicas: NotifierProcess[]): Promise<{ leader: NotifierProcess; standby: NotifierProcess }> {
    return waitFor(async () => {
      const flags = await Promise.all(replicas.map(async (r) => metricValue(await h.metrics(r), 'telegram_commands_poller_leader') ?? 0));
      if (flags.filter((f) => f === 1).length !== 1) return undefined;
      const i = flags.indexOf(1);
      return { leader: replicas[i], standby: replicas[1 - i] };
    }, { what: 'exactly one polling replica' });
  }

  /** Sends `count` commands; returns their message ids. */
  function burst(count: number): number[] {
    return Array.from({ length: count }, () => h.tg.sendCommand(ADMIN.id, '/help', ADMIN).message_id);
  }

  async function allAnswered(ids: readonly number[], timeoutMs: number): Promise<void> {
    await waitFor(() => ids.every((id) => answersTo(h, ADMIN.id, id).length > 0), { timeoutMs, intervalMs: 50, what: `${ids.length} commands answered` });
  }

  /** No concurrent getUpdates ever happened: Telegram would have ended one with 409. */
  function conflicts(): number {
    return h.tg.requests.filter((r) => r.method === 'getUpdates' && r.status === 409).length;
  }

  it('answers every update exactly once, from one polling replica', async () => {
    const replicas = [await h.notifier('cmd-a', ENV), await h.notifier('cmd-b', ENV)];
    await leaderOf(replicas);
    const ids = burst(40);
    await allAnswered(ids, 20_000);
    // Every update confirmed to Telegram (a later getUpdates offset passed it): none can come back.
    await waitFor(() => h.tg.pendingUpdates().length === 0, { what: 'every update confirmed' });
    expect(ids.map((id) => answersTo(h, ADMIN.id, id).length)).toEqual(ids.map(() => 1));
    expect(conflicts()).toBe(0);
  });

  it('takes over when the polling replica is kill -9ed: nothing lost, nothing answered twice', async () => {
    const replicas = [await h.notifier('cmd-a', ENV), await h.notifier('cmd-b', ENV)];
    const { leader, standby } = await leaderOf(replicas);
    const before = burst(5);
    await allAnswered(before, 10_000);

    const killedAt = Date.now();
    await leader.proc.kill('SIGKILL');
    const during = burst(10);
    await allAnswered(during, 15_000);
    const tookOverMs = Date.now() - killedAt;
    expect(metricValue(await h.metrics(standby), 'telegram_commands_poller_leader')).toBe(1);
    expect([...before, ...during].map((id) => answersTo(h, ADMIN.id, id).length)).toEqual([...before, ...during].map(() => 1));
    expect(standby.proc.output()).toContain('this replica now polls Telegram for commands');
    // The standby waited for the lease: it never polled beside the living poller.
    expect(conflicts()).toBe(0);
    process.stdout.write(`[commands] poller kill -9: the standby answered the 10 waiting commands ${tookOverMs} ms after the kill (lease ${ENV.TELEGRAM_POLL_LEASE_MS} ms)\n`);
  });

  it('killed mid-burst: every command answered, and at most the one in flight answered twice', async () => {
    const replicas = [await h.notifier('cmd-a', ENV), await h.notifier('cmd-b', ENV)];
    const { leader } = await leaderOf(replicas);
    const ids = burst(60);
    await waitFor(() => ids.filter((id) => answersTo(h, ADMIN.id, id).length).length >= 10, { intervalMs: 5, what: 'ten answered' });
    await leader.proc.kill('SIGKILL');
    await allAnswered(ids, 20_000);
    const twice = ids.filter((id) => answersTo(h, ADMIN.id, id).length > 1);
    expect(twice.length).toBeLessThanOrEqual(1);
    expect(ids.every((id) => answersTo(h, ADMIN.id, id).length <= 2)).toBe(true);
    process.stdout.write(`[commands] poller kill -9 mid-burst: 60/60 answered, ${twice.length} answered twice (the in-flight window)\n`);
  });

  it('a graceful stop hands polling over at once, without waiting out the lease', async () => {
    const replicas = [await h.notifier('cmd-a', { ...ENV, TELEGRAM_POLL_LEASE_MS: '60000' }), await h.notifier('cmd-b', { ...ENV, TELEGRAM_POLL_LEASE_MS: '60000' })];
    const { leader } = await leaderOf(replicas);
    await leader.proc.kill('SIGTERM');
    const ids = burst(3);
    // Far less than the 60 s lease: the stopping replica released it.
    await allAnswered(ids, 10_000);
    expect(ids.map((id) => answersTo(h, ADMIN.id, id).length)).toEqual([1, 1, 1]);
    expect(conflicts()).toBe(0);
  });
});
