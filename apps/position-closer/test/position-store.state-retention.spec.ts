import Redis from 'ioredis';
import { KEYS } from '@app/contracts';
import { startRedis, type TestRedis } from '@app/testing';
import { DEFAULT_COSTS } from '@app/trading';
import { closePosition, openPosition, type OpenPosition } from '../src/positions/position';
import { PositionStore } from '../src/positions/position.store';
import { makeSignal } from './support/closer-harness';

/**
 * The closer's own state (`positions:state`) keeps every open position and only the newest
 * `historyKept` closed ones; a signal whose closed position was pruned opens nothing when it is
 * handled again (a redelivery, or `market` re-read from its start).
 */
describe('PositionStore: closed positions pruned from the state', () => {
  let server: TestRedis;
  let redis: Redis;
  let store: PositionStore;
  let seq = 1000;

  beforeAll(async () => {
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

  const positionOf = (symbol: string) => openPosition(`${++seq}-0`, makeSignal({ symbol }), { kind: 'notional', notional: 1000 }, new Date());
  const close = async (p: OpenPosition) => expect(await store.close(closePosition(p, 'take_profit', 104, new Date(), DEFAULT_COSTS), null)).toBe(true);

  it('keeps the open positions and the newest closed ones; the older closed states are deleted', async () => {
    const longLived = positionOf('SOLUSDT');
    expect(await store.open(longLived)).toBe('opened');
    const closed: OpenPosition[] = [];
    for (let i = 0; i < 6; i++) {
      const p = positionOf('BTCUSDT');
      expect(await store.open(p)).toBe('opened');
      await close(p);
      closed.push(p);
    }
    expect((await redis.hkeys(KEYS.positions)).sort()).toEqual([longLived, ...closed.slice(3)].map((p) => p.position_id).sort());
    expect(await redis.llen(KEYS.closedPositionIds)).toBe(3);
    expect(await store.get(closed[0].position_id)).toBeNull();
    expect(await store.get(longLived.position_id)).toMatchObject({ type: 'opened' });
  });

  it('a signal handled again after its closed position was pruned opens nothing (stale)', async () => {
    const first = positionOf('BTCUSDT');
    expect(await store.open(first)).toBe('opened');
    await close(first);
    // Three other symbols close after it: its state is pruned.
    for (const symbol of ['ETHUSDT', 'SOLUSDT', 'XRPUSDT']) {
      const p = positionOf(symbol);
      expect(await store.open(p)).toBe('opened');
      await close(p);
    }
    expect(await store.get(first.position_id)).toBeNull();
    // The last signal that opened BTCUSDT, delivered again: not a second position.
    expect(await store.open(first)).toBe('stale');
    expect(await redis.hget(KEYS.openBySymbol, 'BTCUSDT')).toBeNull();
  });
});
