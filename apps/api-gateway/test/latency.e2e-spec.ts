import type Redis from 'ioredis';
import request from 'supertest';
import { latencySamplesKey } from '@app/contracts';
import { LatencySamples } from '@app/observability';
import { startRedis, waitFor, type TestRedis } from '@app/testing';
import { metricValue, newRedis, publishSignal, startTestGateway, type TestGateway } from './gateway-harness';
import { connectSse } from './sse-test-client';

const API = '/api/signals';
const STAGES = ['served', 'sse', 'ack'] as const;
const SERIES = { served: 'gateway_signal_served_latency_seconds', sse: 'gateway_signal_sse_latency_seconds', ack: 'gateway_signal_ack_latency_seconds' };

/** Delivery latency: each stage observed once per signal, in /metrics and /api/stats. */
describe('api-gateway delivery latency', () => {
  let server: TestRedis;
  let redis: Redis;
  let gw: TestGateway;

  beforeAll(async () => {
    server = await startRedis();
    redis = newRedis(server.url);
    gw = await startTestGateway(server.url);
  });
  afterAll(async () => {
    await gw?.close();
    await redis?.quit();
    await server?.stop();
  });

  const counts = async () => {
    const text = (await request(gw.url).get('/metrics').expect(200)).text;
    return Object.fromEntries(STAGES.map((s) => [s, metricValue(text, `${SERIES[s]}_count`)])) as Record<(typeof STAGES)[number], number>;
  };

  it('observes served, first SSE write and ack for a signal that flows, and reports p50/p99 in /api/stats', async () => {
    const before = await counts();
    const sse = await connectSse(`${gw.url}${API}/stream`);
    try {
      await waitFor(() => sse.frames.some((f) => f.event === 'control'), { what: 'the SSE stream open' });
      const s = await publishSignal(redis);
      await waitFor(() => sse.signals().some((e) => e.id === s.id), { what: 'the signal on SSE' });
      await request(gw.url).post(`${API}/acknowledge`).send({ timestamp: s.timestamp }).expect(200);
      // A repeated ack is not a second execution: not observed again.
      await request(gw.url).post(`${API}/acknowledge`).send({ timestamp: s.timestamp }).expect(200);
      const after = await counts();
      expect({ served: after.served - before.served, sse: after.sse - before.sse, ack: after.ack - before.ack }).toEqual({ served: 1, sse: 1, ack: 1 });

      const stats = (await request(gw.url).get('/api/stats').expect(200)).body;
      for (const stage of STAGES) {
        expect(stats.latency[stage]).toEqual({ count: 1, p50_ms: expect.any(Number), p99_ms: expect.any(Number) });
        expect(stats.latency[stage].p50_ms).toBeGreaterThanOrEqual(0);
      }
      // Stored to served and to the SSE write happen on this machine within moments.
      expect(stats.latency.served.p99_ms).toBeLessThan(5000);
      expect(stats.latency.sse.p99_ms).toBeLessThan(5000);
    } finally {
      sse.close();
    }
  });

  it('reports the generator’s and the notifier’s stages from the samples they keep in Redis, in the order a signal passes them', async () => {
    // As every generator and notifier replica records them (LatencySamples, one list per stage).
    const generator = new LatencySamples(redis, { key: latencySamplesKey('candle_to_signal') });
    const notifier = new LatencySamples(redis, { key: latencySamplesKey('telegram') });
    for (const ms of [2, 4, 6, 8]) await generator.record(ms / 1000);
    for (const ms of [300, 900]) await notifier.record(ms / 1000);
    const { latency } = (await request(gw.url).get('/api/stats').expect(200)).body as { latency: Record<string, unknown> };
    expect(Object.keys(latency)).toEqual(['candle_to_signal', 'served', 'sse', 'telegram', 'ack']);
    expect(latency.candle_to_signal).toEqual({ count: 4, p50_ms: 4, p99_ms: 8 });
    expect(latency.telegram).toEqual({ count: 2, p50_ms: 300, p99_ms: 900 });
  });

  it('still answers /api/stats when Redis is away, with the other services’ stages blank', async () => {
    let own = await startRedis();
    const gw2 = await startTestGateway(own.url);
    try {
      await waitFor(async () => (await request(gw2.url).get('/api/health')).status === 200, { what: 'gateway ready' });
      await own.stop();
      const started = Date.now();
      const res = await request(gw2.url).get('/api/stats');
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(res.body.latency.candle_to_signal).toEqual({ count: null, p50_ms: null, p99_ms: null });
      expect(res.body.latency.telegram).toEqual({ count: null, p50_ms: null, p99_ms: null });
      expect(res.body.latency.served).toEqual({ count: 0, p50_ms: null, p99_ms: null });
    } finally {
      // Back on the same port, and reconnected, first: a gateway closed while its connections are
      // still reconnecting does not finish closing.
      own = await startRedis({ port: Number(new URL(own.url).port) });
      await waitFor(async () => (await request(gw2.url).get('/api/health')).status === 200, { timeoutMs: 15_000, what: 'gateway reconnected' });
      await gw2.close();
      await own.stop();
    }
  });
});
