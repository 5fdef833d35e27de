import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { makeSignal } from '../../test/fixtures/signals';
import type { NotificationJob } from '@app/contracts';
import type { ChatTarget } from './chat-target';
import { deliveryKeys, type DeliveryKeys } from './delivery-keys';
import { DeliveryStore } from './delivery.store';
import { sendWindows, type RateLimits } from './send-windows';

const LIMITS: RateLimits = { globalPerSecond: 3, chatPerSecond: 1, groupPerMinute: 20, marginMs: 0 };
const alice: ChatTarget = { id: '111', group: false };
const bob: ChatTarget = { id: '222', group: false };

describe('DeliveryStore (real Redis)', () => {
  let redis: Redis;
  let keys: DeliveryKeys;
  let store: DeliveryStore;

  beforeAll(() => {
    redis = new Redis(process.env.TEST_REDIS_URL!);
  });
  afterAll(() => redis.quit());
  beforeEach(() => {
    keys = deliveryKeys(`test-${randomUUID()}`);
    store = new DeliveryStore(redis, keys, { retentionMs: 60_000, lockTtlMs: 5000 });
  });

  const item = (n: number): NotificationJob => ({ kind: 'signal', entry_id: `${1700000000000 + n}-0`, signal: makeSignal(n) });
  const key = (n: number) => `signals-${item(n).entry_id}`;

  it('fans out once per chat, and never again to a chat that already has it', async () => {
    expect(await store.fanOut(key(1), item(1), [alice, bob])).toBe(2);
    expect(await store.fanOut(key(1), item(1), [alice, bob])).toBe(0);
    const w = sendWindows(alice, LIMITS, keys);
    expect(await store.reserve(alice.id, key(1), 'o1', w)).toEqual({ state: 'reserved' });
    expect((await store.pending(alice.id, 10)).items).toEqual([item(1)]);
    await store.commit(alice.id, 'o1', 'sent', [key(1)], w);
    expect(await store.reserve(alice.id, key(1), 'o2', w)).toEqual({ state: 'sent' });
    // A retried job or a redelivered entry fans out again: Alice is not queued twice, Bob still waits.
    expect(await store.fanOut(key(1), item(1), [alice, bob])).toBe(0);
    expect(await store.outboxSize(alice.id)).toBe(0);
    expect(await store.outboxSize(bob.id)).toBe(1);
  });

  it('lets one sender at a time hold a chat, and spaces sends to a chat by its window counted from the reply', async () => {
    await store.fanOut(key(1), item(1), [alice]);
    await store.fanOut(key(2), item(2), [alice]);
    const w = sendWindows(alice, LIMITS, keys);
    expect(await store.reserve(alice.id, key(1), 'a', w)).toEqual({ state: 'reserved' });
    const busy = await store.reserve(alice.id, key(2), 'b', w);
    expect(busy).toMatchObject({ state: 'busy', rank: 1 });
    // Pending items come oldest first.
    expect((await store.pending(alice.id, 10)).keys).toEqual([key(1), key(2)]);
    await store.commit(alice.id, 'a', 'sent', [key(1)], w);
    const rate = await store.reserve(alice.id, key(2), 'b', w);
    expect(rate.state).toBe('rate');
    expect((rate as { ms: number }).ms).toBeGreaterThan(900);
    expect((rate as { ms: number }).ms).toBeLessThanOrEqual(1001);
    // Refusals move entries to `failed`, which the reservation then reports.
    await redis.del(keys.chatWindow(alice.id));
    expect(await store.reserve(alice.id, key(2), 'c', w)).toEqual({ state: 'reserved' });
    await store.commit(alice.id, 'c', 'failed', [key(2)], w);
    expect(await store.reserve(alice.id, key(2), 'd', w)).toEqual({ state: 'failed' });
  });

  it('counts in-flight sends against the global window and honours a 429 pause for every chat', async () => {
    const chats = ['1', '2', '3', '4'].map((id) => ({ id, group: false }));
    for (const c of chats) await store.fanOut(key(Number(c.id)), item(Number(c.id)), [c]);
    for (const c of chats.slice(0, 3)) expect(await store.reserve(c.id, key(Number(c.id)), `o${c.id}`, sendWindows(c, LIMITS, keys))).toEqual({ state: 'reserved' });
    // Three sends in flight: the fourth chat waits for the global window of 3/s, though none has replied yet.
    const fourth = await store.reserve('4', key(4), 'o4', sendWindows(chats[3], LIMITS, keys));
    expect(fourth.state).toBe('rate');
    await store.commit('1', 'o1', 'released', [], sendWindows(chats[0], LIMITS, keys), 3000);
    const paused = await store.reserve('4', key(4), 'o4', sendWindows(chats[3], LIMITS, keys));
    expect(paused.state).toBe('paused');
    expect((paused as { ms: number }).ms).toBeGreaterThan(2900);
  });

  it('drops unreadable items into failed', async () => {
    await store.fanOut(key(1), item(1), [alice]);
    await redis.del(keys.item(key(1)));
    const pending = await store.pending(alice.id, 10);
    expect(pending).toEqual({ keys: [], items: [], unreadable: [key(1)] });
    await store.drop(alice.id, pending.unreadable);
    expect(await store.reserve(alice.id, key(1), 'x', sendWindows(alice, LIMITS, keys))).toEqual({ state: 'failed' });
  });

  it('deletes an item once no chat waits for it any more, sent or refused, and not before', async () => {
    expect(await store.fanOut(key(1), item(1), [alice, bob])).toBe(2);
    const wa = sendWindows(alice, LIMITS, keys);
    const wb = sendWindows(bob, LIMITS, keys);
    expect(await store.reserve(alice.id, key(1), 'a', wa)).toEqual({ state: 'reserved' });
    await store.commit(alice.id, 'a', 'sent', [key(1)], wa);
    // Bob still waits: his outbox reads the item.
    expect((await store.pending(bob.id, 10)).items).toEqual([item(1)]);
    expect(await store.reserve(bob.id, key(1), 'b', wb)).toEqual({ state: 'reserved' });
    await store.commit(bob.id, 'b', 'released', [key(1)], wb);
    expect(await redis.exists(keys.item(key(1)))).toBe(1);
    await redis.del(keys.chatWindow(bob.id), keys.globalWindow);
    expect(await store.reserve(bob.id, key(1), 'c', wb)).toEqual({ state: 'reserved' });
    await store.commit(bob.id, 'c', 'failed', [key(1)], wb);
    expect(await redis.exists(keys.item(key(1)), keys.itemRefs(key(1)))).toBe(0);
    // A job re-run after both: nothing queued, no item left behind.
    expect(await store.fanOut(key(1), item(1), [alice, bob])).toBe(0);
    expect(await redis.exists(keys.item(key(1)))).toBe(0);
  });
});
