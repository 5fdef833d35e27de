import Redis from 'ioredis';
import { decodeEntry, KEYS, PositionEventSchema, STREAMS, type PositionEvent } from '@app/contracts';
import { startRedis, type TestRedis } from '@app/testing';
import { DEFAULT_COSTS } from '@app/trading';
import { closePosition, openPosition, type OpenPosition } from '../src/positions/position';
import { PositionStore } from '../src/positions/position.store';
import { makeSignal } from './support/closer-harness';

/**
 * How the closer trims `positions`, which the gateway rebuilds its view from: never past an open
 * position's `opened` event, and never below the newest `historyKept` closes. A real Redis: the
 * trimming is in the Lua scripts.
 */
describe('PositionStore: the positions stream keeps every open position and the history kept', () => {
  let server: TestRedis;
  let redis: Redis;
  let store: PositionStore;
  let seq = 1000;

  beforeAll(async () => {
    // Its own server: the store's keys are fixed names.
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });
  beforeEach(async () => {
    await redis.flushdb();
    store = new PositionStore(redis, 3);
  });

  async function open(symbol: string): Promise<OpenPosition> {
    const position = openPosition(`${++seq}-0`, makeSignal({ symbol }), { kind: 'notional', notional: 1000 }, new Date());
    expect(await store.open(position)).toBe('opened');
    return position;
  }
  async function close(position: OpenPosition): Promise<void> {
    expect(await store.close(closePosition(position, 'take_profit', 104, new Date(), DEFAULT_COSTS), null)).toBe(true);
  }
  /** Opens and closes one BTC position; returns its id. */
  async function roundTrip(): Promise<string> {
    const p = await open('BTCUSDT');
    await close(p);
    return p.position_id;
  }
  async function stream(): Promise<{ id: string; event: PositionEvent }[]> {
    // A raw read on purpose: this checks what the stream holds, entry by entry.
    const rows = (await redis.xrange(STREAMS.positions, '-', '+')) as [string, string[]][];
    return rows.map(([id, f]) => ({ id, event: decodeEntry(PositionEventSchema, id, f) }));
  }
  const summary = (rows: { event: PositionEvent }[]) => rows.map(({ event }) => `${event.type} ${event.position_id}`);

  it('with nothing open, keeps exactly the newest `historyKept` closes (and what came after the oldest of them)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await roundTrip());
    const [, , , a, b, c] = ids;
    expect(summary(await stream())).toEqual([`closed ${a}`, `opened ${b}`, `closed ${b}`, `opened ${c}`, `closed ${c}`]);
    expect(await redis.llen(KEYS.closedEventIds)).toBe(3);
    expect(await redis.hlen(KEYS.openEventIds)).toBe(0);
  });

  it("never trims an open position's opened event, however many positions close after it; trims past it once it closes", async () => {
    const before: string[] = [];
    for (let i = 0; i < 4; i++) before.push(await roundTrip());
    const longLived = await open('SOLUSDT');
    const after: string[] = [];
    for (let i = 0; i < 5; i++) after.push(await roundTrip());

    const rows = await stream();
    // Everything before the open position's event is gone; it and all that followed stay.
    expect(summary(rows)[0]).toBe(`opened ${longLived.position_id}`);
    expect(rows).toHaveLength(1 + 2 * after.length);
    expect(rows[0].id).toBe(await redis.hget(KEYS.openEventIds, longLived.position_id));
    expect(summary(rows).some((r) => before.some((id) => r.endsWith(id)))).toBe(false);

    await close(longLived);
    const [, , , x, y] = after;
    expect(summary(await stream())).toEqual([`closed ${x}`, `opened ${y}`, `closed ${y}`, `closed ${longLived.position_id}`]);
    expect(await redis.hlen(KEYS.openEventIds)).toBe(0);
  });

  it('a position open from before its opened event was recorded holds trimming off until it closes', async () => {
    const legacy = await open('SOLUSDT');
    await redis.hdel(KEYS.openEventIds, legacy.position_id); // as a closer of the previous release left it
    for (let i = 0; i < 5; i++) await roundTrip();
    expect(await redis.xlen(STREAMS.positions)).toBe(11);
    await close(legacy);
    expect(await redis.xlen(STREAMS.positions)).toBe(4);
  });
});
