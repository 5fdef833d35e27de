import type Redis from 'ioredis';
import request from 'supertest';
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
});
