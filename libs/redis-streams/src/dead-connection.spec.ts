import Redis from 'ioredis';
import { z } from 'zod';
import { encodeEntry } from '@app/contracts';
import { startTcpProxy, waitFor, type TcpProxy } from '@app/testing';
import { ConsumerGroupReader } from './consumer-group.reader';
import { groupInfo } from './group-lag';
import type { RedisConfig } from './redis-config';
import { createRedis } from './redis-connection';
import { RedisConnections } from './redis-connections';
import { StreamReader } from './stream.reader';

const Item = z.object({ n: z.number() });
const DB = 5;
/** Short, so that the tests are quick; production's default is 5000. */
const REPLY_MS = 300;

/**
 * Connections that hang without closing, through a proxy that freezes the connections open at
 * one moment (nothing forwarded, nothing closed) while new ones pass: each is found dead within
 * its deadline and replaced, and nothing in flight is lost.
 */
describe('dead connections', () => {
  let proxy: TcpProxy;
  let direct: Redis;
  let cfg: RedisConfig;
  const closers: (() => Promise<unknown> | void)[] = [];
  let stream: string;
  let seq = 0;

  beforeAll(() => {
    direct = new Redis(`${process.env.TEST_REDIS_URL}/${DB}`);
  });
  beforeEach(async () => {
    proxy = await startTcpProxy({ port: Number(new URL(process.env.TEST_REDIS_URL!).port) });
    cfg = { url: `redis://127.0.0.1:${proxy.port}/${DB}`, commandTimeoutMs: REPLY_MS };
    stream = `dead-${process.pid}-${++seq}`;
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await proxy.close();
  });
  afterAll(() => direct.disconnect());

  /** A connection through the proxy; `owned`: a reader disconnects it on close, nothing else must. */
  const connection = (name: string, owned = false) => {
    const c = createRedis(cfg, name);
    if (!owned) closers.push(() => c.disconnect());
    return c;
  };
  /** True once `name` is blocked in Redis (CLIENT LIST flag `b`): its read has reached Redis. */
  const blockedInRedis = async (name: string) => {
    const list = (await direct.client('LIST')) as string;
    return list.split('\n').some((line) => line.includes(` name=${name} `) && / flags=\w*b/.test(line));
  };

  it('a command on a hung connection is answered on a new one, within the reply timeout', async () => {
    const c = connection('dead-cmd');
    expect(await c.ping()).toBe('PONG');
    expect(proxy.freeze()).toBe(1);

    const started = Date.now();
    expect(await c.set(`${stream}:k`, 'v')).toBe('OK');
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(REPLY_MS - 10);
    expect(took).toBeLessThan(2 * REPLY_MS);
    expect(await direct.get(`${stream}:k`)).toBe('v');
    expect({ open: proxy.open, frozen: proxy.frozen }).toEqual({ open: 2, frozen: 1 });
  });

  it('a stream reader blocked on a hung connection reads on a new one; every entry once', async () => {
    const seen: number[] = [];
    const reader = new StreamReader({
      stream,
      schema: Item,
      connection: connection('dead-xread', true),
      startId: '0',
      blockMs: 1000,
      handle: (entries) => void seen.push(...entries.map((e) => e.payload.n)),
    });
    closers.push(() => reader.close());
    reader.start();
    await direct.xadd(stream, '*', ...encodeEntry({ n: 1 }));
    await waitFor(() => seen.length === 1 && blockedInRedis('dead-xread'), { what: 'first entry read, then blocked' });

    proxy.freeze();
    const frozenAt = Date.now();
    // Redis answers the blocked read with this entry at once; the answer is lost in the proxy.
    await direct.xadd(stream, '*', ...encodeEntry({ n: 2 }));
    await waitFor(() => seen.length === 2, { timeoutMs: 5000, what: 'the entry added after the freeze' });
    // Found dead at BLOCK + reply timeout, not before: a read that is only blocking is not cut.
    expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(1000 + REPLY_MS - 50);
    await direct.xadd(stream, '*', ...encodeEntry({ n: 3 }));
    await waitFor(() => seen.length === 3, { what: 'the next entry' });
    expect(seen).toEqual([1, 2, 3]);
    expect(reader.isLive()).toBe(true);
  });

  it('a consumer group reader whose delivered entries were lost with its connection handles them at once, not after the claim idle time', async () => {
    const seen: number[] = [];
    const reader = new ConsumerGroupReader({
      stream,
      group: 'g',
      consumer: 'c1',
      schema: Item,
      connection: connection('dead-xreadgroup', true),
      groupStartId: '0',
      blockMs: 1000,
      // Far beyond the wait below: XAUTOCLAIM cannot be what rescues the entry.
      claimIdleMs: 60_000,
      handle: async ({ payload }) => void seen.push(payload.n),
    });
    closers.push(() => reader.close());
    reader.start();
    await waitFor(() => blockedInRedis('dead-xreadgroup'), { what: 'reader blocked in XREADGROUP' });

    proxy.freeze();
    // Delivered to c1 (its pending list) by the blocked read, whose reply never arrives.
    await direct.xadd(stream, '*', ...encodeEntry({ n: 1 }));
    await waitFor(() => seen.length === 1, { timeoutMs: 5000, what: 'the entry delivered into the lost reply' });
    await direct.xadd(stream, '*', ...encodeEntry({ n: 2 }));
    await waitFor(() => seen.length === 2, { what: 'the next entry' });
    await waitFor(async () => (await groupInfo(direct, stream))[0]?.pending === 0, { what: 'both acknowledged' });
    expect(seen).toEqual([1, 2]);
  });

  it('shutdown closes hung connections without waiting for Redis', async () => {
    const connections = new RedisConnections(cfg, 'dead-shutdown');
    const worker = connections.worker('dead-shutdown:worker');
    expect(await connections.command.ping()).toBe('PONG');
    expect(await worker.ping()).toBe('PONG');
    expect(proxy.freeze()).toBe(2);

    const started = Date.now();
    await connections.onApplicationShutdown();
    expect(Date.now() - started).toBeLessThan(2000);
    await waitFor(() => connections.command.status === 'end' && worker.status === 'end', { timeoutMs: 5000, what: 'both connections ended' });
  });
});
