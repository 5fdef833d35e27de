import Redis from 'ioredis';
import { z } from 'zod';
import { encodeEntry } from '@app/contracts';
import { startRedis, waitFor, type TestRedis } from '@app/testing';
import { metricsRegistry } from '@app/observability';
import { StreamReader } from './stream.reader';
import type { DecodedEntry } from './stream-entry';

const Item = z.object({ n: z.number() });
type Item = z.infer<typeof Item>;

async function malformedCount(stream: string): Promise<number> {
  const m = await metricsRegistry.getSingleMetric('stream_malformed_entries_total')?.get();
  return m?.values.filter((v) => v.labels.stream === stream).reduce((a, v) => a + v.value, 0) ?? 0;
}

describe('StreamReader', () => {
  let server: TestRedis;
  let redis: Redis;
  const readers: StreamReader<Item>[] = [];

  beforeAll(async () => {
    server = await startRedis({ appendonly: true });
    redis = new Redis(server.url, { retryStrategy: () => 50 });
  });
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.close()));
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  function reader(stream: string, got: DecodedEntry<Item>[], startId?: string) {
    const r = new StreamReader<Item>({
      stream,
      schema: Item,
      connection: new Redis(server.url, { retryStrategy: () => 50 }),
      startId,
      blockMs: 200,
      handle: (entries) => void got.push(...entries),
    });
    readers.push(r);
    r.start();
    return r;
  }

  it('delivers only entries added after start with $, in order', async () => {
    await redis.xadd('s1', '*', ...encodeEntry({ n: 0 }));
    const got: DecodedEntry<Item>[] = [];
    const r = reader('s1', got);
    await waitFor(() => r.isLive(), { what: 'reader live' });
    for (let n = 1; n <= 50; n++) await redis.xadd('s1', '*', ...encodeEntry({ n }));
    await waitFor(() => got.length === 50, { what: '50 entries' });
    expect(got.map((e) => e.payload.n)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('counts and skips a malformed entry without stopping', async () => {
    const got: DecodedEntry<Item>[] = [];
    const before = await malformedCount('s2');
    const r = reader('s2', got, '0');
    await redis.xadd('s2', '*', ...encodeEntry({ n: 1 }));
    await redis.xadd('s2', '*', 'data', '{not json');
    await redis.xadd('s2', '*', ...encodeEntry({ n: 'two' }));
    await redis.xadd('s2', '*', ...encodeEntry({ n: 3 }));
    await waitFor(() => got.length === 2, { what: 'two good entries' });
    expect(got.map((e) => e.payload.n)).toEqual([1, 3]);
    expect((await malformedCount('s2')) - before).toBe(2);
    expect(r.isLive()).toBe(true);
  });

  it('survives a Redis restart and resumes after the last id: nothing skipped, nothing repeated', async () => {
    const got: DecodedEntry<Item>[] = [];
    const r = reader('s3', got, '0');
    for (let n = 1; n <= 5; n++) await redis.xadd('s3', '*', ...encodeEntry({ n }));
    await waitFor(() => got.length === 5, { what: 'first five' });

    await server.stop({ crash: true, keepDir: true });
    await waitFor(() => !r.isLive(), { what: 'reader notices the outage', timeoutMs: 15_000 });
    server = await startRedis({ appendonly: true, port: server.port, dir: server.dir });
    for (let n = 6; n <= 10; n++) await redis.xadd('s3', '*', ...encodeEntry({ n }));
    await waitFor(() => got.length === 10, { what: 'entries after restart', timeoutMs: 15_000 });
    expect(got.map((e) => e.payload.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await waitFor(() => r.isLive(), { what: 'reader live again' });
  });

  it('close() returns promptly while blocked', async () => {
    const r = reader('s4', []);
    await waitFor(() => r.isLive());
    const t0 = Date.now();
    await r.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.isLive()).toBe(false);
  });
});
