import type Redis from 'ioredis';
import { connect as tcpConnect, type Socket } from 'node:net';
import request from 'supertest';
import { encodeEntry, STREAMS } from '@app/contracts';
import { waitFor } from '@app/testing';
import { BTC, makeSignal, metricValue, newRedis, publishSignal, SIGNAL_TS, startTestGateway, testRedisUrl, type TestGateway } from './gateway-harness';
import { connectSse, type SseTestClient } from './sse-test-client';

const REDIS_URL = testRedisUrl(11);
const STREAM = '/api/signals/stream';

describe('GET /api/signals/stream (SSE push)', () => {
  let redis: Redis;
  let gw: TestGateway;
  const clients: SseTestClient[] = [];

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
    clients.splice(0).forEach((c) => c.close());
    await gw?.close();
  });

  async function sse(path = STREAM, headers: Record<string, string> = {}): Promise<SseTestClient> {
    const c = await connectSse(gw.url + path, headers);
    clients.push(c);
    // Connected: the retry frame is the first thing written.
    await waitFor(() => c.frames.length >= 1, { what: 'retry frame' });
    return c;
  }
  const signalIds = (c: SseTestClient) => c.signals().map((s) => s.id);

  it('answers with the event-stream headers and a retry frame, then pushes each new signal as /api/signals shows it', async () => {
    gw = await startTestGateway(REDIS_URL);
    const before = await publishSignal(redis);
    await waitFor(async () => (await request(gw.url).get('/api/signals')).body.count === 1);
    const c = await sse();
    expect(c.response.statusCode).toBe(200);
    expect(c.response.headers['content-type']).toBe('text/event-stream');
    expect(c.response.headers['cache-control']).toBe('no-cache');
    expect(c.raw().startsWith('retry: 3000\n\n')).toBe(true);

    const s = await publishSignal(redis, { ...BTC });
    await waitFor(() => c.signals().length === 1, { what: 'signal event' });
    const [event] = c.signals();
    // Without Last-Event-ID only new signals come, not the one stored before connecting.
    expect(event.id).toBe(s.id);
    expect(event.id).not.toBe(before.id);
    expect(event.data).toEqual(s);
    // Byte-identical to the item of the REST list.
    const list = await request(gw.url).get('/api/signals');
    expect(list.text).toContain(event.text);
    expect(c.raw()).toContain(`id: ${s.id}\nevent: signal\ndata: ${event.text}\n\n`);
  });

  it('pushes an ack event (no id line) when a signal is acknowledged', async () => {
    gw = await startTestGateway(REDIS_URL);
    const c = await sse();
    const s = await publishSignal(redis);
    await waitFor(() => c.signals().length === 1);
    const ack = await request(gw.url).post('/api/signals/acknowledge').send({ timestamp: s.timestamp }).expect(200);
    await waitFor(() => c.frames.some((f) => f.event === 'ack'), { what: 'ack event' });
    const frame = c.frames.find((f) => f.event === 'ack')!;
    expect(frame.id).toBeUndefined();
    expect(JSON.parse(frame.data!)).toEqual({ id: s.id, timestamp: s.timestamp, symbol: 'ETHUSDT', acknowledged_at: ack.body.acknowledged_at });
    expect(frame.data).toBe(JSON.stringify({ id: s.id, timestamp: s.timestamp, symbol: 'ETHUSDT', acknowledged_at: ack.body.acknowledged_at }));
    // A repeated ack is not pushed again.
    await request(gw.url).post('/api/signals/acknowledge').send({ id: s.id }).expect(200);
    const s2 = await publishSignal(redis);
    await waitFor(() => c.signals().length === 2);
    expect(c.frames.filter((f) => f.event === 'ack')).toHaveLength(1);
    expect(JSON.parse(frame.data!).acknowledged_at).toMatch(SIGNAL_TS);
    expect(signalIds(c)).toEqual([s.id, s2.id]);
  });

  it('resumes after Last-Event-ID (or ?since=): every later stored signal in order, then live ones, none repeated', async () => {
    const s1 = await publishSignal(redis);
    const s2 = await publishSignal(redis, { ...BTC });
    const s3 = await publishSignal(redis, { timeframe: '5m' });
    gw = await startTestGateway(REDIS_URL);
    const byHeader = await sse(STREAM, { 'Last-Event-ID': s1.id });
    const byQuery = await sse(`${STREAM}?since=${s1.id}`);
    await waitFor(() => signalIds(byHeader).length === 2 && signalIds(byQuery).length === 2, { what: 'catch-up' });
    expect(byHeader.signals().map((s) => s.data)).toEqual([s2, s3]);
    const s4 = await publishSignal(redis);
    await waitFor(() => signalIds(byHeader).length === 3 && signalIds(byQuery).length === 3, { what: 'live after catch-up' });
    expect(signalIds(byHeader)).toEqual([s2.id, s3.id, s4.id]);
    expect(signalIds(byQuery)).toEqual([s2.id, s3.id, s4.id]);
  });

  it('misses and repeats nothing when resuming while signals keep arriving', async () => {
    gw = await startTestGateway(REDIS_URL);
    const first = await publishSignal(redis);
    // 300 signals published in bursts while clients resume at different points of the stream.
    const publishing = (async () => {
      for (let i = 0; i < 30; i++) {
        const p = redis.pipeline();
        for (let j = 0; j < 10; j++) p.xadd(STREAMS.signals, '*', ...encodeEntry(makeSignal({ symbol: `C${i}X${j}` })));
        await p.exec();
        await new Promise((r) => setImmediate(r));
      }
    })();
    const resumed: SseTestClient[] = [];
    for (let k = 0; k < 5; k++) resumed.push(await sse(STREAM, { 'Last-Event-ID': first.id }));
    await publishing;
    const stored = (await redis.xrange(STREAMS.signals, `(${first.id}`, '+')).map(([id]) => id);
    expect(stored).toHaveLength(300);
    for (const c of resumed) {
      await waitFor(() => signalIds(c).length >= 300, { what: 'all 300 signals on a resumed stream' });
      expect(signalIds(c)).toEqual(stored);
    }
  });

  it('filters by ?symbol= (case-insensitive), for signals and acks', async () => {
    gw = await startTestGateway(REDIS_URL);
    const c = await sse(`${STREAM}?symbol=btcusdt`);
    const eth = await publishSignal(redis);
    const btc = await publishSignal(redis, { ...BTC });
    await waitFor(() => c.signals().length === 1);
    await request(gw.url).post('/api/signals/acknowledge').send({ id: eth.id }).expect(200);
    await request(gw.url).post('/api/signals/acknowledge').send({ id: btc.id }).expect(200);
    await waitFor(() => c.frames.some((f) => f.event === 'ack'));
    const btc2 = await publishSignal(redis, { ...BTC });
    await waitFor(() => c.signals().length === 2);
    expect(signalIds(c)).toEqual([btc.id, btc2.id]);
    expect(c.frames.filter((f) => f.event === 'ack').map((f) => JSON.parse(f.data!).id)).toEqual([btc.id]);
  });

  it('sends a heartbeat comment every SSE_HEARTBEAT_MS', async () => {
    gw = await startTestGateway(REDIS_URL, { SSE_HEARTBEAT_MS: '150' });
    const c = await sse();
    await waitFor(() => c.frames.filter((f) => f.comments.length).length >= 2, { timeoutMs: 3000, what: 'two heartbeats' });
    const beat = c.frames.find((f) => f.comments.length)!;
    expect(beat.comments[0]).toMatch(/^heartbeat \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(c.raw()).toMatch(/\n\n: heartbeat \S+\n\n/);
  });

  it('counts clients and forgets a client that disconnects', async () => {
    gw = await startTestGateway(REDIS_URL);
    const stats = async () => (await request(gw.url).get('/api/stats')).body.sse_clients as number;
    const a = await sse();
    await sse();
    expect(await stats()).toBe(2);
    a.close();
    await waitFor(async () => (await stats()) === 1, { what: 'disconnect noticed' });
    const metrics = (await request(gw.url).get('/metrics')).text;
    expect(metricValue(metrics, 'gateway_sse_clients')).toBe(1);
  });

  it('rejects a bad Last-Event-ID or symbol with a JSON 400 before streaming', async () => {
    gw = await startTestGateway(REDIS_URL);
    expect((await request(gw.url).get(STREAM).set('Last-Event-ID', 'yesterday').expect(400)).body).toEqual({
      status: 'error',
      message: 'must be a signal id like 1732185045123-0',
    });
    expect((await request(gw.url).get(`${STREAM}?since=0`).expect(400)).body).toEqual({
      status: 'error',
      message: 'since: must be a signal id like 1732185045123-0',
    });
    expect((await request(gw.url).get(`${STREAM}?symbol=B`).expect(400)).body).toEqual({
      status: 'error',
      message: 'symbol: symbol must be 2-20 letters or digits, e.g. BTCUSDT',
    });
  });

  it('drops a client that stops reading once its buffer passes SSE_MAX_BUFFER_BYTES, and keeps serving others', async () => {
    gw = await startTestGateway(REDIS_URL, { SSE_MAX_BUFFER_BYTES: String(128 * 1024) });
    const port = new URL(gw.url).port;
    // A raw client that sends the request and then never reads: the kernel buffers fill, then ours.
    const slow: Socket = tcpConnect(Number(port), '127.0.0.1');
    await new Promise((r) => slow.once('connect', r));
    slow.write(`GET ${STREAM} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n`);
    slow.pause();
    const healthy = await sse();
    const statsClients = async () => (await request(gw.url).get('/api/stats')).body.sse_clients as number;
    await waitFor(async () => (await statsClients()) === 2, { what: 'both clients connected' });
    const dropsBefore = metricValue((await request(gw.url).get('/metrics')).text, 'gateway_sse_disconnects_total', { reason: 'dropped' });

    const big = 'x'.repeat(4000);
    let published = 0;
    await waitFor(
      async () => {
        const p = redis.pipeline();
        // Bursts of ~110 KB: under the limit, so a client that reads keeps up.
        for (let j = 0; j < 25; j++) p.xadd(STREAMS.signals, '*', ...encodeEntry(makeSignal({ symbol: `D${published}X${j}`, metadata: { consensus_confidence: 70, strategies_agree: 3, risk_reward_ratio: 2, note: big } })));
        await p.exec();
        published += 25;
        return (await statsClients()) === 1;
      },
      { timeoutMs: 20_000, intervalMs: 10, what: 'the slow client to be dropped' },
    );
    slow.destroy();
    const metrics = (await request(gw.url).get('/metrics')).text;
    expect(metricValue(metrics, 'gateway_sse_disconnects_total', { reason: 'dropped' })).toBe(dropsBefore + 1);
    // The reading client got everything that was published.
    await waitFor(() => healthy.signals().length === published, { timeoutMs: 20_000, what: `all ${published} signals on the healthy client` });
  });

  it('frames each event as one HTTP/1.1 chunk, and sends it unchunked to an HTTP/1.0 client', async () => {
    gw = await startTestGateway(REDIS_URL);
    const port = Number(new URL(gw.url).port);
    const raw = async (version: string) => {
      const socket: Socket = tcpConnect(port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
      socket.write(`GET ${STREAM} ${version}\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n`);
      return { socket, body: () => text.slice(text.indexOf('\r\n\r\n') + 4) };
    };
    const v11 = await raw('HTTP/1.1');
    const v10 = await raw('HTTP/1.0');
    await waitFor(async () => (await request(gw.url).get('/api/stats')).body.sse_clients === 2, { what: 'both clients connected' });
    const s = await publishSignal(redis);
    const frame = `id: ${s.id}\nevent: signal\ndata: `;
    await waitFor(() => v11.body().includes(frame) && v10.body().includes(frame), { what: 'the signal on both' });
    try {
      // HTTP/1.1: every frame is a chunk whose size line counts its bytes exactly.
      const chunks: string[] = [];
      for (let rest = v11.body(); rest.length > 0; ) {
        const eol = rest.indexOf('\r\n');
        const size = parseInt(rest.slice(0, eol), 16);
        chunks.push(rest.slice(eol + 2, eol + 2 + size));
        expect(rest.slice(eol + 2 + size, eol + 4 + size)).toBe('\r\n');
        rest = rest.slice(eol + 4 + size);
      }
      const signalChunk = chunks.find((c) => c.startsWith(frame))!;
      expect(signalChunk.endsWith('\n\n')).toBe(true);
      // HTTP/1.0: the same frames, no chunk framing.
      expect(v10.body().startsWith('retry: 3000\n\n')).toBe(true);
      expect(v10.body()).toContain(signalChunk);
      expect(v10.body()).not.toMatch(/\r\n/);
    } finally {
      v11.socket.destroy();
      v10.socket.destroy();
    }
  });
});
