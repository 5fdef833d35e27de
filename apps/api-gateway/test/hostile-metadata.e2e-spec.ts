import type Redis from 'ioredis';
import request from 'supertest';
import { encodeEntry, STREAMS, type Signal } from '@app/contracts';
import { startRedis, waitFor, type TestRedis } from '@app/testing';
import { makeSignal, metricValue, newRedis, publishSignal, startTestGateway, type TestGateway } from './gateway-harness';
import { connectSse, type SseTestClient } from './sse-test-client';

const STREAM = '/api/signals/stream';

/** `{ a: { a: ... } }` nested `depth` levels, built as JSON text: no recursion needed to make it. */
function deepJson(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/**
 * A signal that passes every field check of the schema but whose free-form `metadata` is hostile
 * (nested 20,000 deep), written raw to the stream as a producer without the publisher's checks
 * would. It must be counted and skipped alone: the valid signal after it still reaches REST, live
 * SSE and a resuming SSE client, and the resume ends its catch-up rather than looping on it.
 */
describe('api-gateway: a hostile but schema-shaped stream entry', () => {
  let server: TestRedis;
  let redis: Redis;
  let gw: TestGateway | undefined;
  const clients: SseTestClient[] = [];

  beforeAll(async () => {
    // Its own Redis: stream names are fixed and the entries here are deliberately poisonous.
    server = await startRedis();
    redis = newRedis(server.url);
  });
  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await gw?.close();
    gw = undefined;
    await redis.flushdb();
  });

  /** The signal's JSON with `metadata.extra` nested 20,000 deep (bypassing StreamPublisher's validation). */
  function deepSignalJson(): string {
    const base = JSON.stringify(makeSignal());
    const meta = '"metadata":{"consensus_confidence":75,"strategies_agree":4,"risk_reward_ratio":2.4,"extra":';
    return base.replace(/"metadata":\{[^}]*\}/, `${meta}${deepJson(20_000)}}`);
  }

  async function addDeepEntry(): Promise<string> {
    return (await redis.xadd(STREAMS.signals, '*', 'data', deepSignalJson())) as string;
  }

  /** The deep entry and a valid signal in one MULTI: a blocked reader gets both in one batch. */
  async function addDeepThenValid(): Promise<{ badId: string; good: Signal }> {
    const signal = makeSignal();
    const res = await redis.multi().xadd(STREAMS.signals, '*', 'data', deepSignalJson()).xadd(STREAMS.signals, '*', ...encodeEntry(signal)).exec();
    const [badId, goodId] = res!.map(([err, id]) => {
      if (err) throw err;
      return id as string;
    });
    return { badId, good: { ...signal, id: goodId } };
  }

  async function sse(headers: Record<string, string> = {}): Promise<SseTestClient> {
    const c = await connectSse(gw!.url + STREAM, headers);
    clients.push(c);
    await waitFor(() => c.frames.length >= 1, { what: 'retry frame' });
    return c;
  }

  const malformed = async (reader: string) =>
    metricValue((await request(gw!.url).get('/metrics')).text, 'stream_malformed_entries_total', { stream: 'signals', reader });

  it('live: the valid signal after it is served on GET /api/signals and pushed on SSE; the bad one is counted', async () => {
    gw = await startTestGateway(server.url);
    const live = await sse();
    const { badId, good } = await addDeepThenValid();

    await waitFor(() => live.signals().length >= 1, { what: 'the valid signal on SSE' });
    expect(live.signals().map((s) => s.id)).toEqual([good.id]);
    const list = await request(gw.url).get('/api/signals').expect(200);
    expect(list.body.signals.map((s: { id: string }) => s.id)).toEqual([good.id]);
    expect(list.text).not.toContain(badId);
    expect(await malformed('api-gateway')).toBe(1);
  });

  it('rebuild and resume: a gateway started after both serves the valid one; Last-Event-ID from before both delivers it once and goes live', async () => {
    const before = await publishSignal(redis, { symbol: 'BTCUSDT', entry_price: 64_000, stop_loss: 63_680, take_profit: 64_768 });
    await addDeepEntry();
    const good = await publishSignal(redis);
    gw = await startTestGateway(server.url);

    const list = await waitFor(
      async () => {
        const res = await request(gw!.url).get('/api/signals');
        return res.status === 200 ? res : undefined;
      },
      { what: 'GET /api/signals to answer 200 after the rebuild' },
    );
    expect(list.body.signals.map((s: { id: string }) => s.id).sort()).toEqual([before.id, good.id].sort());

    const resumed = await sse({ 'Last-Event-ID': before.id });
    await waitFor(() => resumed.signals().length >= 1, { what: 'the valid signal on the resumed stream' });
    // Catch-up has ended: a signal published now comes live, right after, and nothing repeats.
    const after = await publishSignal(redis);
    await waitFor(() => resumed.signals().some((s) => s.id === after.id), { what: 'a live signal after the catch-up' });
    expect(resumed.signals().map((s) => s.id)).toEqual([good.id, after.id]);
    expect(await malformed('api-gateway-rebuild')).toBe(1);
    expect(await malformed('api-gateway-sse')).toBe(1);
  });
});
