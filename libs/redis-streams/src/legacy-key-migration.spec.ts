import Redis from 'ioredis';
import { BULLMQ_PREFIX, HASH_TAGS, KEYS, STREAMS } from '@app/contracts';
import { startRedis, type TestRedis } from '@app/testing';
import { legacyKeysPresent, migrateLegacyKeys } from './legacy-key-migration';
import { currentKeyName } from './legacy-key-names';

describe('key names and the migration from before the hash tags', () => {
  let server: TestRedis;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  beforeEach(() => redis.flushall());
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('every stream and key starts with one of the hash tags, and each has a legacy name that maps to it', () => {
    const tags = Object.values(HASH_TAGS);
    const names = [...Object.values(STREAMS), ...Object.values(KEYS), BULLMQ_PREFIX];
    for (const name of names) expect(tags.some((t) => name === t || name.startsWith(`${t}:`))).toBe(true);
    expect(names.filter((n) => !legacyFor(n))).toEqual([]);
  });

  it('renames every kind of legacy key, keeping values, TTLs and consumer groups; a second run renames nothing', async () => {
    await redis.xadd('signals', '1-0', 'data', '{}');
    await redis.xgroup('CREATE', 'signals', 'notifier', '0');
    await redis.xreadgroup('GROUP', 'notifier', 'n1', 'COUNT', 1, 'STREAMS', 'signals', '>');
    await redis.xadd('market:dead', '2-0', 'data', '{}');
    await redis.hset('signals:acks', '1-0', '2026-01-01T00:00:00Z');
    await redis.hset('positions:state', 'p1', '{"type":"opened"}');
    await redis.set('generator:decided:replay:BTCUSDT:1m', '1700000000000');
    await redis.set('notifier:lock:42', 'owner', 'PX', 60_000);
    await redis.hset('bull:telegram:signals-1-0', 'name', 'signal');
    await redis.set('control:state', '{"trading":"paused"}');
    await redis.set('unrelated', 'x');
    expect(await legacyKeysPresent(redis)).toBe(true);

    const result = await migrateLegacyKeys(redis);
    expect(result.conflicts).toEqual([]);
    expect(Object.fromEntries(result.renamed)).toEqual({
      signals: STREAMS.signals,
      'market:dead': KEYS.closerDeadLetters,
      'signals:acks': KEYS.acks,
      'positions:state': KEYS.positions,
      'generator:decided:replay:BTCUSDT:1m': `${KEYS.generatorDecided}:replay:BTCUSDT:1m`,
      'notifier:lock:42': `${KEYS.notifierDelivery}:lock:42`,
      'bull:telegram:signals-1-0': `${BULLMQ_PREFIX}:telegram:signals-1-0`,
      'control:state': KEYS.control,
    });
    const groups = (await redis.xinfo('GROUPS', STREAMS.signals)) as unknown[][];
    expect(groups[0]).toEqual(expect.arrayContaining(['name', 'notifier', 'pending', 1, 'last-delivered-id', '1-0']));
    expect(await redis.hget(KEYS.acks, '1-0')).toBe('2026-01-01T00:00:00Z');
    expect(await redis.get(`${KEYS.generatorDecided}:replay:BTCUSDT:1m`)).toBe('1700000000000');
    expect(await redis.pttl(`${KEYS.notifierDelivery}:lock:42`)).toBeGreaterThan(0);
    expect(await redis.get('unrelated')).toBe('x');
    expect(await legacyKeysPresent(redis)).toBe(false);
    expect(await migrateLegacyKeys(redis)).toEqual({ renamed: [], conflicts: [] });
  });

  it('never overwrites: a key whose new name exists too is left and reported', async () => {
    await redis.hset('signals:acks', 'old', '1');
    await redis.hset(KEYS.acks, 'new', '2');
    expect(await migrateLegacyKeys(redis)).toEqual({ renamed: [], conflicts: [['signals:acks', KEYS.acks]] });
    expect(await redis.hgetall(KEYS.acks)).toEqual({ new: '2' });
    expect(await redis.hgetall('signals:acks')).toEqual({ old: '1' });
  });
});

/** A legacy name that maps to `name` (or, for a prefix, to something under it). */
function legacyFor(name: string): string | undefined {
  const untagged = name.replace(/^\{[^}]*\}:?/, '');
  const candidates = [untagged, `${untagged}:x`, 'market:dead', 'bull:x'];
  return candidates.find((c) => {
    const current = currentKeyName(c);
    return current === name || current?.startsWith(`${name}:`);
  });
}
