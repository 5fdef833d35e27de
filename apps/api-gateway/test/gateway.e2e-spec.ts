import type Redis from 'ioredis';
import { get, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import request from 'supertest';
import { KEYS, STREAMS } from '@app/contracts';
import { waitFor } from '@app/testing';
import { BTC, healthy, makeSignal, metricValue, newRedis, publishSignal, RESPONSE_TS, SIGNAL_TS, startTestGateway, testRedisUrl, type TestGateway } from './gateway-harness';

const REDIS_URL = testRedisUrl(10);
const API = '/api/signals';
const ts = expect.stringMatching(RESPONSE_TS);
const ackedAt = expect.stringMatching(SIGNAL_TS);

describe('api-gateway REST (the ATAS guide contract)', () => {
  let redis: Redis;
  let gw: TestGateway;

  beforeAll(() => {
    redis = newRedis(REDIS_URL);
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(async () => {
    await redis.flushdb();
  });
  afterEach(async () => {
    await gw?.close();
  });

  /** Starts on the current stream contents and waits until `ids` are served (live reader). */
  async function gateway(env: Record<string, string> = {}): Promise<TestGateway> {
    gw = await startTestGateway(REDIS_URL, env);
    return gw;
  }
  const served = (id: string) => waitFor(async () => (await request(gw.url).get(`${API}/history`)).text.includes(id), { what: `signal ${id} served` });

  describe('GET /', () => {
    it('is a JSON index of the endpoints, linking to Swagger', async () => {
      await gateway();
      const res = await request(gw.url).get('/').expect(200).expect('Content-Type', /application\/json/);
      expect(res.body).toEqual({
        status: 'success',
        name: 'ATAS signal API (api-gateway)',
        docs: { swagger_ui: '/docs', openapi: '/docs-json' },
        api_key_required: false,
        endpoints: expect.any(Array),
        timestamp: ts,
      });
      // The guide's endpoints first, in the guide's order, each described.
      expect(res.body.endpoints.slice(0, 7)).toEqual([
        { method: 'GET', path: '/', description: 'API documentation: a JSON index of the endpoints' },
        { method: 'GET', path: '/api/signals', description: 'Active signals, newest first' },
        { method: 'GET', path: '/api/signals/latest', description: 'The newest active signal, or null' },
        { method: 'GET', path: '/api/signals/{symbol}', description: 'Active signals of one symbol (case-insensitive), newest first' },
        { method: 'POST', path: '/api/signals/acknowledge', description: 'Mark a signal as processed (by timestamp, as the guide sends, or by id)' },
        { method: 'GET', path: '/api/health', description: 'Health: Redis reachable and stream readers live' },
        { method: 'GET', path: '/api/stats', description: 'Usage statistics of this replica: requests, signals, SSE clients, uptime' },
      ]);
      expect(res.body.endpoints).toEqual(
        expect.arrayContaining([
          { method: 'GET', path: '/api/signals/history', description: expect.stringContaining('last 500 signals') },
          { method: 'GET', path: '/api/signals/stream', description: expect.stringContaining('Server-sent events') },
          { method: 'GET', path: '/metrics', description: 'Prometheus metrics' },
          { method: 'GET', path: '/docs', description: 'Swagger UI' },
          { method: 'GET', path: '/docs-json', description: 'OpenAPI document' },
        ]),
      );
    });

    it('lists every route the OpenAPI document has, and Swagger UI is served', async () => {
      await gateway();
      const doc = (await request(gw.url).get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
      const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
      const index = (await request(gw.url).get('/').expect(200)).body.endpoints as { method: string; path: string }[];
      const indexed = index.map((e) => `${e.method} ${e.path}`);
      const notInOpenApi = ['GET /metrics', 'GET /docs', 'GET /docs-json'];
      expect(documented.sort()).toEqual(indexed.filter((e) => !notInOpenApi.includes(e)).sort());
      const html = await request(gw.url).get('/docs').expect(200).expect('Content-Type', /text\/html/);
      expect(html.text).toContain('swagger-ui');
      const signalSchema = (doc.paths['/api/signals'].get as { responses: Record<string, { content: Record<string, { schema: { properties: { signals: { items: { properties: Record<string, unknown> } } } } }> }> }).responses['200'].content['application/json'].schema;
      expect(Object.keys(signalSchema.properties.signals.items.properties)).toEqual(
        expect.arrayContaining(['timestamp', 'symbol', 'direction', 'entry_price', 'stop_loss', 'take_profit', 'leverage', 'signal_strength', 'timeframe', 'strategy_name', 'metadata', 'id']),
      );
    });
  });

  describe('GET /api/signals, /latest, /{symbol}, /history', () => {
    it('serves an empty list and a null latest before any signal', async () => {
      await gateway();
      expect((await request(gw.url).get(API).expect(200)).body).toEqual({ status: 'success', count: 0, signals: [], timestamp: ts });
      expect((await request(gw.url).get(`${API}/latest`).expect(200)).body).toEqual({ status: 'success', signal: null, timestamp: ts });
      expect((await request(gw.url).get(`${API}/history`).expect(200)).body).toEqual({ status: 'success', count: 0, signals: [], timestamp: ts });
    });

    it('lists signals published before start (rebuild) and after (live), newest first', async () => {
      const eth = await publishSignal(redis);
      await gateway();
      const btc = await publishSignal(redis, { ...BTC });
      await served(btc.id);
      expect((await request(gw.url).get(API).expect(200)).body).toEqual({ status: 'success', count: 2, signals: [btc, eth], timestamp: ts });
      expect((await request(gw.url).get(`${API}/latest`).expect(200)).body).toEqual({ status: 'success', signal: btc, timestamp: ts });
    });

    it('filters by ?timeframe= and ?limit=', async () => {
      const a = await publishSignal(redis, { timeframe: '1m' });
      const b = await publishSignal(redis, { timeframe: '5m' });
      const c = await publishSignal(redis, { ...BTC, timeframe: '1m' });
      await gateway();
      expect((await request(gw.url).get(`${API}?timeframe=1m`).expect(200)).body).toEqual({ status: 'success', count: 2, signals: [c, a], timestamp: ts });
      expect((await request(gw.url).get(`${API}?limit=2`).expect(200)).body).toEqual({ status: 'success', count: 2, signals: [c, b], timestamp: ts });
      expect((await request(gw.url).get(`${API}?timeframe=5m&limit=500`).expect(200)).body).toEqual({ status: 'success', count: 1, signals: [b], timestamp: ts });
      expect((await request(gw.url).get(`${API}/history?limit=1`).expect(200)).body.signals.map((s: { id: string }) => s.id)).toEqual([c.id]);
    });

    it('serves one symbol, case-insensitively; the static routes are not taken for symbols', async () => {
      const eth = await publishSignal(redis);
      const btc = await publishSignal(redis, { ...BTC });
      await gateway();
      expect((await request(gw.url).get(`${API}/ETHUSDT`).expect(200)).body).toEqual({ status: 'success', count: 1, signals: [eth], timestamp: ts });
      expect((await request(gw.url).get(`${API}/btcusdt`).expect(200)).body).toEqual({ status: 'success', count: 1, signals: [btc], timestamp: ts });
      expect((await request(gw.url).get(`${API}/SOLUSDT`).expect(200)).body).toEqual({ status: 'success', count: 0, signals: [], timestamp: ts });
      expect((await request(gw.url).get(`${API}/latest`).expect(200)).body.signal).toEqual(btc);
      expect((await request(gw.url).get(`${API}/history`).expect(200)).body.count).toBe(2);
    });

    it('shows history with each state: active, acknowledged, superseded, expired', async () => {
      const old1m = await publishSignal(redis, { timeframe: '1m' });
      const new1m = await publishSignal(redis, { timeframe: '1m' });
      const fiveM = await publishSignal(redis, { timeframe: '5m' });
      await gateway();
      await request(gw.url).post(`${API}/acknowledge`).send({ timestamp: fiveM.timestamp }).expect(200);
      const body = (await request(gw.url).get(`${API}/history`).expect(200)).body;
      expect(body).toEqual({
        status: 'success',
        count: 3,
        signals: [
          { ...fiveM, state: 'acknowledged', acknowledged_at: ackedAt },
          { ...new1m, state: 'active', acknowledged_at: null },
          { ...old1m, state: 'superseded', acknowledged_at: null },
        ],
        timestamp: ts,
      });
    });

    it('expires signals after SIGNAL_TTL_SECONDS', async () => {
      await gateway({ SIGNAL_TTL_SECONDS: '1' });
      const s = await publishSignal(redis);
      await served(s.id);
      expect((await request(gw.url).get(API)).body.count).toBe(1);
      await waitFor(async () => (await request(gw.url).get(API)).body.count === 0, { timeoutMs: 3000, what: 'signal to expire' });
      expect((await request(gw.url).get(`${API}/latest`)).body.signal).toBeNull();
      expect((await request(gw.url).get(`${API}/history`)).body.signals[0]).toEqual({ ...s, state: 'expired', acknowledged_at: null });
    });

    it('never hands /latest an older signal of a symbol after the newer one was acknowledged', async () => {
      const older = await publishSignal(redis, { ...BTC });
      const newer = await publishSignal(redis, { ...BTC });
      await gateway();
      expect((await request(gw.url).get(`${API}/latest`)).body.signal).toEqual(newer);
      // The guide's client: execute, remember the timestamp, acknowledge.
      await request(gw.url).post(`${API}/acknowledge`).send({ timestamp: newer.timestamp }).expect(200);
      expect((await request(gw.url).get(`${API}/latest`).expect(200)).body).toEqual({ status: 'success', signal: null, timestamp: ts });
      expect((await request(gw.url).get(`${API}/BTCUSDT`)).body.signals).toEqual([]);
      expect((await request(gw.url).get(`${API}/history`)).body.signals.find((s: { id: string }) => s.id === older.id).state).toBe('superseded');
    });

    it.each([
      ['x', 'symbol must be 2-20 letters or digits, e.g. BTCUSDT'],
      ['BTC-USDT', 'symbol must be 2-20 letters or digits, e.g. BTCUSDT'],
      ['A'.repeat(21), 'symbol must be 2-20 letters or digits, e.g. BTCUSDT'],
    ])('rejects symbol %s with 400', async (symbol, message) => {
      await gateway();
      expect((await request(gw.url).get(`${API}/${symbol}`).expect(400)).body).toEqual({ status: 'error', message });
    });

    it.each([
      ['limit=0', 'limit: must be a whole number from 1 to 500'],
      ['limit=501', 'limit: must be a whole number from 1 to 500'],
      ['limit=-1', 'limit: must be a whole number from 1 to 500'],
      ['limit=2.5', 'limit: must be a whole number from 1 to 500'],
      ['limit=ten', 'limit: must be a whole number from 1 to 500'],
      ['limit=1&limit=2', 'limit: must be given once'],
      ['timeframe=', 'timeframe: must look like 1m, 5m, 1h or 1d'],
      ['timeframe=1m%20OR%201', 'timeframe: must look like 1m, 5m, 1h or 1d'],
    ])('rejects ?%s with 400 naming the parameter', async (query, message) => {
      await gateway();
      expect((await request(gw.url).get(`${API}?${query}`).expect(400)).body).toEqual({ status: 'error', message });
      expect((await request(gw.url).get(`${API}/history?${query}`).expect(400)).body).toEqual({ status: 'error', message });
    });
  });

  describe('POST /api/signals/acknowledge', () => {
    it('acknowledges by timestamp (as the guide sends), stores it in Redis, and says so on a repeat', async () => {
      const s = await publishSignal(redis);
      await gateway();
      const first = await request(gw.url).post(`${API}/acknowledge`).send({ timestamp: s.timestamp }).expect(200);
      expect(first.body).toEqual({ status: 'success', message: 'Signal acknowledged', signal_id: s.id, timestamp: s.timestamp, acknowledged_at: ackedAt });
      expect(await redis.hget(KEYS.acks, s.id)).toBe(first.body.acknowledged_at);
      const events = await redis.xrange(STREAMS.acks, '-', '+');
      expect(events).toHaveLength(1);
      expect(JSON.parse(events[0][1][1])).toEqual({ signal_id: s.id, signal_timestamp: s.timestamp, symbol: 'ETHUSDT', acknowledged_at: first.body.acknowledged_at });

      const again = await request(gw.url).post(`${API}/acknowledge`).send({ id: s.id }).expect(200);
      expect(again.body).toEqual({
        status: 'success',
        message: 'Signal was already acknowledged',
        signal_id: s.id,
        timestamp: s.timestamp,
        acknowledged_at: first.body.acknowledged_at,
        already_acknowledged: true,
      });
      // A repeat publishes nothing: other replicas and SSE clients hear of each ack once.
      expect(await redis.xlen(STREAMS.acks)).toBe(1);
      expect((await request(gw.url).get(API)).body.count).toBe(0);
    });

    it('acknowledges by id', async () => {
      const s = await publishSignal(redis);
      await gateway();
      const res = await request(gw.url).post(`${API}/acknowledge`).send({ id: s.id }).expect(200);
      expect(res.body).toEqual({ status: 'success', message: 'Signal acknowledged', signal_id: s.id, timestamp: s.timestamp, acknowledged_at: ackedAt });
    });

    it('answers 404 for an unknown signal', async () => {
      await publishSignal(redis);
      await gateway();
      expect((await request(gw.url).post(`${API}/acknowledge`).send({ timestamp: '2024-11-21T10:30:45.123456' }).expect(404)).body).toEqual({
        status: 'error',
        message: 'no signal with timestamp 2024-11-21T10:30:45.123456 among the last 1 signals',
      });
      expect((await request(gw.url).post(`${API}/acknowledge`).send({ id: '1-0' }).expect(404)).body).toEqual({
        status: 'error',
        message: 'no signal with id 1-0 among the last 1 signals',
      });
    });

    const json = { 'Content-Type': 'application/json' };
    it.each([
      ['malformed JSON', json, '{"timestamp": "2024-', 'request body is not valid JSON'],
      ['an empty JSON body', json, '', 'request body is empty; send {"timestamp": "<signal timestamp>"} or {"id": "<signal id>"}'],
      ['neither field', json, '{}', 'request body needs "timestamp" (the signal\'s timestamp) or "id" (the signal\'s id)'],
      ['other fields only', json, '{"ts": "x"}', 'request body needs "timestamp" (the signal\'s timestamp) or "id" (the signal\'s id)'],
      ['a number timestamp', json, '{"timestamp": 1732185045}', 'timestamp: must be a string'],
      ['a number id', json, '{"id": 17}', 'id: must be a string'],
      ['a badly formatted timestamp', json, '{"timestamp": "21/11/2024 10:30"}', 'timestamp: must be a signal timestamp like 2024-11-21T10:30:45.123456'],
      ['a badly formatted id', json, '{"id": "abc"}', 'id: must be a signal id like 1732185045123-0'],
      ['an array', json, '[{"timestamp": "2024-11-21T10:30:45.123456"}]', 'request body must be a JSON object like {"timestamp": "2024-11-21T10:30:45.123456"}'],
      ['null', json, 'null', 'request body must be a JSON object like {"timestamp": "2024-11-21T10:30:45.123456"}'],
      ['no body at all', {}, undefined, 'request body must be a JSON object like {"timestamp": "2024-11-21T10:30:45.123456"}'],
    ])('rejects %s with 400 and a message naming the problem', async (_what, headers, body, message) => {
      await gateway();
      let req = request(gw.url).post(`${API}/acknowledge`).set(headers);
      if (body !== undefined) req = req.send(body);
      const res = await req.expect(400).expect('Content-Type', /application\/json/);
      expect(res.body).toEqual({ status: 'error', message });
    });
  });

  describe('errors and API key', () => {
    it('answers an unknown route with a JSON 404, and a known path with another method with a JSON 405', async () => {
      await gateway();
      expect((await request(gw.url).get('/api/nothing?x=1').expect(404)).body).toEqual({
        status: 'error',
        message: 'no endpoint GET /api/nothing; GET / lists the endpoints',
      });
      expect((await request(gw.url).delete(`${API}/latest`).expect(405)).body).toEqual({
        status: 'error',
        message: 'method DELETE is not allowed on /api/signals/latest; allowed: GET, HEAD',
      });
    });

    it('with API_KEY set, needs X-API-Key on /api/* except /api/health', async () => {
      const key = 'k3y-for-the-e2e-test';
      await gateway({ API_KEY: key });
      const denied = { status: 'error', message: 'missing or invalid X-API-Key header' };
      for (const path of [API, `${API}/latest`, `${API}/history`, `${API}/ETHUSDT`, `${API}/stream`, '/api/stats']) {
        expect((await request(gw.url).get(path).expect(401)).body).toEqual(denied);
        expect((await request(gw.url).get(path).set('X-API-Key', 'wrong').expect(401)).body).toEqual(denied);
      }
      expect((await request(gw.url).post(`${API}/acknowledge`).send({ id: '1-0' }).expect(401)).body).toEqual(denied);
      await request(gw.url).get(API).set('X-API-Key', key).expect(200);
      await request(gw.url).post(`${API}/acknowledge`).set('X-API-Key', key).send({ id: '1-0' }).expect(404);
      await healthy(gw.url);
      expect((await request(gw.url).get('/').expect(200)).body.api_key_required).toBe(true);
      // The key never shows up in what the gateway serves.
      expect((await request(gw.url).get('/metrics')).text).not.toContain(key);
    });

    it('without API_KEY everything is open (the guide\'s C# sends no key)', async () => {
      await gateway({ API_KEY: '' });
      await request(gw.url).get(API).expect(200);
      await request(gw.url).get('/api/stats').expect(200);
    });
  });

  describe('GET /api/health, /api/stats, /metrics', () => {
    it('is healthy with Redis up and both readers live, with the terminus detail', async () => {
      await gateway();
      const s = await publishSignal(redis);
      await served(s.id);
      // The positions view loads in the background; health says 503 until it has.
      const res = await healthy(gw.url);
      const reader = (stream: string, lastId: string) => ({ status: 'up', stream, last_id: lastId, last_read_ms_ago: expect.any(Number) });
      const up = { redis: { status: 'up', latency_ms: expect.any(Number) }, signals_reader: reader('signals', s.id), acks_reader: expect.objectContaining({ status: 'up', stream: 'signal-acks' }), positions_readers: { status: 'up', readers: [expect.objectContaining({ stream: 'positions' }), expect.objectContaining({ stream: 'close-requests' })] } };
      expect(res.body).toEqual({ status: 'ok', info: up, error: {}, details: up });
    });

    it('counts requests by route pattern and status, and signals by fate and by source', async () => {
      const a = await publishSignal(redis, { metadata: { ...makeSignal().metadata, source: 'live' } });
      // Without metadata.source (an older producer): counted apart, never as live.
      await publishSignal(redis, { ...BTC });
      await gateway();
      await request(gw.url).get(`${API}/ETHUSDT`).expect(200);
      await request(gw.url).get(`${API}/BTCUSDT`).expect(200);
      await request(gw.url).get(`${API}/x`).expect(400);
      await request(gw.url).get('/nope').expect(404);
      await request(gw.url).post(`${API}/acknowledge`).send({ id: a.id }).expect(200);
      const res = await request(gw.url).get('/api/stats').expect(200);
      expect(res.body).toEqual({
        status: 'success',
        uptime_seconds: expect.any(Number),
        requests: {
          total: 5,
          by_endpoint: {
            '(unmatched)': undefined,
            'GET (unmatched)': { '404': 1 },
            'GET /api/signals/:symbol': { '200': 2, '400': 1 },
            'POST /api/signals/acknowledge': { '200': 1 },
          },
        },
        signals: {
          loaded: true,
          received: 2,
          acknowledged: 1,
          expired: 0,
          superseded: 0,
          by_source: { live: 1, replay: 0, backtest: 0, demo: 0, unknown: 1 },
          active: 1,
          history: 2,
          last_signal_id: expect.stringMatching(/^\d+-\d+$/),
          last_signal_age_seconds: expect.any(Number),
        },
        sse_clients: 0,
        // Signals loaded by the rebuild were not delivered live: only the ack is a latency sample.
        latency: {
          candle_to_signal: { count: 0, p50_ms: null, p99_ms: null },
          served: { count: 0, p50_ms: null, p99_ms: null },
          telegram: { count: 0, p50_ms: null, p99_ms: null },
          sse: { count: 0, p50_ms: null, p99_ms: null },
          ack: { count: 1, p50_ms: expect.any(Number), p99_ms: expect.any(Number) },
        },
        timestamp: ts,
      });
      const metrics = (await request(gw.url).get('/metrics').expect(200)).text;
      expect(metricValue(metrics, 'http_requests_total', { route: '/api/signals/:symbol', status: '200' })).toBeGreaterThanOrEqual(2);
      expect(metrics).not.toContain('route="/api/signals/ETHUSDT"');
      // The registry is this test process's, shared by earlier gateways: at least these two.
      expect(metricValue(metrics, 'gateway_signals_received_total', { source: 'live' })).toBeGreaterThanOrEqual(1);
      expect(metricValue(metrics, 'gateway_signals_received_total', { source: 'unknown' })).toBeGreaterThanOrEqual(1);
      expect(metricValue(metrics, 'http_request_duration_seconds_count', { route: '/api/signals/:symbol' })).toBeGreaterThanOrEqual(3);
      for (const name of ['gateway_active_signals', 'gateway_signals_received_total', 'gateway_acks_total', 'gateway_sse_clients']) expect(metrics).toContain(`${name}{`);
    });
  });

  describe('prepared bodies: compressed lists and the response timestamp', () => {
    /** One GET with raw bytes back (supertest would decompress them). */
    function rawGet(path: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
      return new Promise((resolve, reject) => {
        get(`${gw.url}${path}`, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        }).on('error', reject);
      });
    }
    const withoutTimestamp = (json: string) => ({ ...JSON.parse(json), timestamp: undefined });

    it.each([
      ['gzip', gunzipSync],
      ['br', brotliDecompressSync],
    ])('a %s client gets the same JSON compressed, with Content-Encoding and Vary', async (coding, decompress) => {
      // Five symbols, so all five are active: a list well over the size worth compressing.
      const signals = [];
      for (let i = 0; i < 5; i++) signals.push(await publishSignal(redis, { symbol: `SYM${i}USDT` }));
      await gateway();
      await request(gw.url).post(`${API}/acknowledge`).send({ id: signals[0].id }).expect(200);
      for (const path of [API, `${API}/history`]) {
        const plain = await rawGet(path, { 'Accept-Encoding': 'identity' });
        expect(plain.headers['content-encoding']).toBeUndefined();
        expect(plain.headers.vary).toBe('Accept-Encoding');
        const packed = await rawGet(path, { 'Accept-Encoding': `${coding}, deflate` });
        expect(packed.headers).toMatchObject({ 'content-encoding': coding, vary: 'Accept-Encoding', 'content-type': 'application/json; charset=utf-8' });
        expect(packed.body.length).toBeLessThan(plain.body.length / 2);
        expect(withoutTimestamp(decompress(packed.body).toString())).toEqual(withoutTimestamp(plain.body.toString()));
        expect(JSON.parse(decompress(packed.body).toString()).timestamp).toMatch(RESPONSE_TS);
      }
    });

    it('prefers br, honours q=0, and sends a small body as it is', async () => {
      for (let i = 0; i < 5; i++) await publishSignal(redis, { symbol: `SYM${i}USDT` });
      await gateway();
      expect((await rawGet(API, { 'Accept-Encoding': 'gzip, deflate, br' })).headers['content-encoding']).toBe('br');
      expect((await rawGet(API, { 'Accept-Encoding': 'br;q=0, gzip' })).headers['content-encoding']).toBe('gzip');
      expect((await rawGet(API, { 'Accept-Encoding': 'deflate' })).headers['content-encoding']).toBeUndefined();
      await redis.flushdb();
      await gw.close();
      await gateway();
      expect((await rawGet(`${API}/latest`, { 'Accept-Encoding': 'gzip, br' })).headers['content-encoding']).toBeUndefined();
    });

    it('stamps every response with the second it was answered in, across second boundaries', async () => {
      await publishSignal(redis);
      await gateway();
      const seconds = new Set<string>();
      await waitFor(
        async () => {
          for (const path of [API, `${API}/latest`, `${API}/history`]) {
            const before = new Date().toISOString().slice(0, 19);
            const { timestamp } = (await request(gw.url).get(path).expect(200)).body as { timestamp: string };
            const after = new Date().toISOString().slice(0, 19);
            expect(timestamp >= before && timestamp <= after).toBe(true);
            seconds.add(timestamp);
          }
          return seconds.size >= 3;
        },
        { timeoutMs: 5000, what: 'responses in three different seconds' },
      );
    });

    it('serves a new signal at once, whatever the body cached for this second', async () => {
      await publishSignal(redis);
      await gateway();
      for (const path of [API, `${API}/latest`, `${API}/history`]) await request(gw.url).get(path).expect(200);
      const next = await publishSignal(redis, { ...BTC });
      // Applied to the read model (seen on an endpoint without a cached body), then asked at once.
      await waitFor(async () => (await request(gw.url).get('/api/stats')).body.signals.last_signal_id === next.id, { what: 'signal applied' });
      expect((await request(gw.url).get(API)).body.signals[0]).toEqual(next);
      expect((await request(gw.url).get(`${API}/latest`)).body.signal).toEqual(next);
      expect((await request(gw.url).get(`${API}/history`)).body.signals[0]).toEqual({ ...next, state: 'active', acknowledged_at: null });
    });
  });

  describe('reads are served from memory', () => {
    /** Calls per command since the server started (INFO commandstats). */
    async function commandCalls(): Promise<Record<string, number>> {
      const calls: Record<string, number> = {};
      for (const m of (await redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[m[1]] = Number(m[2]);
      return calls;
    }

    it('answers 200 GETs of the signal lists without a Redis command per request', async () => {
      const s = await publishSignal(redis);
      await publishSignal(redis, { ...BTC });
      await gateway();
      await served(s.id);
      const before = await commandCalls();
      const paths = [API, `${API}/latest`, `${API}/ETHUSDT`, `${API}/history`];
      for (let i = 0; i < 200; i++) await request(gw.url).get(paths[i % paths.length]).expect(200);
      const after = await commandCalls();
      // The two blocking readers issue an XREAD every few seconds whatever the traffic, and
      // INFO is this test's own probe: everything else would be per-request work.
      const perRequest = Object.entries(after)
        .filter(([cmd]) => cmd !== 'xread' && cmd !== 'info')
        .reduce((sum, [cmd, n]) => sum + n - (before[cmd] ?? 0), 0);
      expect(perRequest).toBeLessThan(10);
    });
  });
});
