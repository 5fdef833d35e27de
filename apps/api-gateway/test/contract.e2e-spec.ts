import type Redis from 'ioredis';
import request from 'supertest';
import { waitFor } from '@app/testing';
import { BTC, newRedis, publishSignal, startTestGateway, testRedisUrl, type TestGateway } from './gateway-harness';
import { connectSse } from './sse-test-client';

/**
 * The ATAS guide's contract, pinned: C# code already written against the guide deserialises these
 * names with Newtonsoft.Json (`ApiResponse { Status, Signal, Timestamp }`, `SignalData` with
 * `[JsonProperty("entry_price")]` etc.). A renamed field or a changed JSON type breaks live
 * trading clients, so every response is checked field by field, type by type.
 */
const REDIS_URL = testRedisUrl(12);

type JsonType = 'string' | 'number' | 'integer' | 'object' | 'array' | 'boolean' | 'null';

/** Every field of the guide's signal JSON and the JSON type its C# property needs. */
const GUIDE_SIGNAL: Record<string, JsonType> = {
  timestamp: 'string', // string Timestamp
  symbol: 'string', // string Symbol
  direction: 'string', // string Direction ("BUY" | "SELL")
  entry_price: 'number', // decimal EntryPrice
  stop_loss: 'number', // decimal StopLoss
  take_profit: 'number', // decimal TakeProfit
  leverage: 'integer', // int Leverage: a fraction would fail to deserialise
  signal_strength: 'number', // double SignalStrength
  timeframe: 'string', // string Timeframe
  strategy_name: 'string', // string StrategyName
  metadata: 'object',
};
const GUIDE_METADATA: Record<string, JsonType> = { consensus_confidence: 'number', strategies_agree: 'integer', risk_reward_ratio: 'number' };

const SIGNAL_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/; // 2024-11-21T10:30:45.123456
const RESPONSE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/; // 2024-11-21T10:31:00

function jsonType(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as JsonType;
}

function expectType(value: unknown, type: JsonType, where: string): void {
  const actual = jsonType(value);
  // An integer is a valid JSON number (3500 for 3500.0); the reverse is not.
  const ok = actual === type || (type === 'number' && actual === 'integer');
  if (!ok) throw new Error(`${where}: expected ${type}, got ${actual} (${JSON.stringify(value)})`);
}

/** Newtonsoft matches property names case-insensitively: two keys differing only in case are ambiguous. */
function expectUnambiguousKeys(obj: Record<string, unknown>, where: string): void {
  const lower = Object.keys(obj).map((k) => k.toLowerCase());
  expect({ where, duplicates: lower.filter((k, i) => lower.indexOf(k) !== i) }).toEqual({ where, duplicates: [] });
}

function expectGuideSignal(s: Record<string, unknown>, where: string): void {
  for (const [field, type] of Object.entries(GUIDE_SIGNAL)) {
    expect(s).toHaveProperty([field]);
    expectType(s[field], type, `${where}.${field}`);
  }
  const metadata = s.metadata as Record<string, unknown>;
  for (const [field, type] of Object.entries(GUIDE_METADATA)) expectType(metadata[field], type, `${where}.metadata.${field}`);
  expect(s.timestamp).toMatch(SIGNAL_TIMESTAMP);
  expect(['BUY', 'SELL']).toContain(s.direction);
  expectType(s.id, 'string', `${where}.id`);
  expectUnambiguousKeys(s, where);
}

function expectEnvelope(body: Record<string, unknown>, where: string): void {
  expect(body.status).toBe('success');
  expect(body.timestamp).toMatch(RESPONSE_TIMESTAMP);
  expectUnambiguousKeys(body, where);
}

function expectList(body: Record<string, unknown>, where: string, minCount: number): void {
  expectEnvelope(body, where);
  expectType(body.count, 'integer', `${where}.count`);
  expectType(body.signals, 'array', `${where}.signals`);
  const signals = body.signals as Record<string, unknown>[];
  expect(body.count).toBe(signals.length);
  expect(signals.length).toBeGreaterThanOrEqual(minCount);
  signals.forEach((s, i) => expectGuideSignal(s, `${where}.signals[${i}]`));
}

describe('contract: the guide field names and JSON types in every response', () => {
  let redis: Redis;
  let gw: TestGateway;

  beforeAll(async () => {
    redis = newRedis(REDIS_URL);
    await redis.flushdb();
    // Whole-number prices on purpose: JSON has no 3500.0, and C# decimal reads 3500 fine.
    await publishSignal(redis, { entry_price: 3500, stop_loss: 3482.5, take_profit: 3542, signal_strength: 85.5 });
    await publishSignal(redis, { ...BTC, timeframe: '5m', signal_strength: 90 });
    gw = await startTestGateway(REDIS_URL);
  });
  afterAll(async () => {
    await gw.close();
    await redis.quit();
  });

  it('the guide example signal round-trips with the exact field set (plus id), no field renamed or dropped', async () => {
    const body = (await request(gw.url).get('/api/signals/ETHUSDT').expect(200)).body;
    expect(Object.keys(body)).toEqual(['status', 'count', 'signals', 'timestamp']);
    expect(Object.keys(body.signals[0]).sort()).toEqual([...Object.keys(GUIDE_SIGNAL), 'id'].sort());
    expect(Object.keys(body.signals[0].metadata).sort()).toEqual(Object.keys(GUIDE_METADATA).sort());
  });

  it('GET /api/signals: {status, count, signals[], timestamp}', async () => {
    expectList((await request(gw.url).get('/api/signals').expect(200)).body, '/api/signals', 2);
    expectList((await request(gw.url).get('/api/signals?timeframe=5m&limit=1').expect(200)).body, '/api/signals?timeframe', 1);
  });

  it('GET /api/signals/{symbol}: the same shape', async () => {
    expectList((await request(gw.url).get('/api/signals/BTCUSDT').expect(200)).body, '/api/signals/BTCUSDT', 1);
  });

  it('GET /api/signals/latest: {status, signal, timestamp} as the guide\'s ApiResponse', async () => {
    const body = (await request(gw.url).get('/api/signals/latest').expect(200)).body;
    expect(Object.keys(body)).toEqual(['status', 'signal', 'timestamp']);
    expectEnvelope(body, '/latest');
    expectGuideSignal(body.signal, '/latest.signal');
  });

  it('GET /api/signals/history: the list shape, each item with state and acknowledged_at', async () => {
    const body = (await request(gw.url).get('/api/signals/history').expect(200)).body;
    expectList(body, '/history', 2);
    for (const s of body.signals) {
      expect(['active', 'acknowledged', 'expired', 'superseded']).toContain(s.state);
      expect(['string', 'null']).toContain(jsonType(s.acknowledged_at));
    }
  });

  it('POST /api/signals/acknowledge: {status, message, signal_id, timestamp, acknowledged_at}; then latest is null-able', async () => {
    for (const s of (await request(gw.url).get('/api/signals').expect(200)).body.signals) {
      const body = (await request(gw.url).post('/api/signals/acknowledge').send({ timestamp: s.timestamp }).expect(200)).body;
      expect(Object.keys(body)).toEqual(['status', 'message', 'signal_id', 'timestamp', 'acknowledged_at']);
      expect(body.status).toBe('success');
      expect(body.timestamp).toBe(s.timestamp);
      expect(body.acknowledged_at).toMatch(SIGNAL_TIMESTAMP);
      const again = (await request(gw.url).post('/api/signals/acknowledge').send({ timestamp: s.timestamp }).expect(200)).body;
      expect(Object.keys(again)).toEqual(['status', 'message', 'signal_id', 'timestamp', 'acknowledged_at', 'already_acknowledged']);
      expect(again.already_acknowledged).toBe(true);
    }
    // The guide's C#: `result?.Status == "success"` then `result.Signal` may be null.
    const latest = (await request(gw.url).get('/api/signals/latest').expect(200)).body;
    expect(latest).toEqual({ status: 'success', signal: null, timestamp: expect.stringMatching(RESPONSE_TIMESTAMP) });
  });

  it('every error: {status:"error", message} (the C# client checks Status == "success")', async () => {
    const cases = [
      request(gw.url).get('/api/signals/x'),
      request(gw.url).get('/api/signals?limit=0'),
      request(gw.url).get('/api/unknown'),
      request(gw.url).post('/api/signals/acknowledge').set('Content-Type', 'application/json').send('{'),
      request(gw.url).post('/api/signals/acknowledge').send({ timestamp: '2024-11-21T10:30:45.123456' }),
    ];
    for (const res of await Promise.all(cases)) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(Object.keys(res.body)).toEqual(['status', 'message']);
      expect(res.body.status).toBe('error');
      expectType(res.body.message, 'string', 'error.message');
      expect(res.text).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+/);
    }
  });

  it('GET /api/health, /api/stats and / have a string status and the documented sections', async () => {
    const health = (await request(gw.url).get('/api/health').expect(200)).body;
    expect(Object.keys(health)).toEqual(['status', 'info', 'error', 'details']);
    const stats = (await request(gw.url).get('/api/stats').expect(200)).body;
    expectEnvelope(stats, '/api/stats');
    for (const field of ['received', 'acknowledged', 'expired', 'active', 'history']) expectType(stats.signals[field], 'integer', `stats.signals.${field}`);
    expectType(stats.uptime_seconds, 'integer', 'stats.uptime_seconds');
    const index = (await request(gw.url).get('/').expect(200)).body;
    expectEnvelope(index, '/');
    for (const e of index.endpoints) expect(Object.keys(e)).toEqual(['method', 'path', 'description']);
  });

  it('SSE signal data is the /api/signals item, with the same names and types', async () => {
    const c = await connectSse(`${gw.url}/api/signals/stream`);
    try {
      const s = await publishSignal(redis, { ...BTC, timeframe: '15m' });
      await waitFor(() => c.signals().length === 1);
      const data = c.signals()[0].data as Record<string, unknown>;
      expectGuideSignal(data, 'sse.signal');
      expect(data).toEqual(s);
    } finally {
      c.close();
    }
  });
});
