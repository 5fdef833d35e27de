import type { Signal } from '@app/contracts';
import { formatMicros } from '@app/contracts';
import { SignalProjection } from './signal-projection';

const T0 = Date.UTC(2024, 10, 21, 10, 30, 0);
let seq = 0;

/** A valid signal stored by Redis at `atMs` (its stream id carries that time). */
function signal(atMs: number, over: Partial<Signal> = {}): Signal {
  seq++;
  return {
    id: `${atMs}-${seq}`,
    timestamp: formatMicros(atMs * 1000 + seq),
    symbol: 'BTCUSDT',
    direction: 'BUY',
    entry_price: 64_000,
    stop_loss: 63_680,
    take_profit: 64_768,
    leverage: 10,
    signal_strength: 80,
    timeframe: '1m',
    strategy_name: 'Consensus',
    metadata: { consensus_confidence: 75, strategies_agree: 3, risk_reward_ratio: 2.4 },
    ...over,
  };
}

function setup(opts: { ttlMs?: number; activeMax?: number; historyMax?: number } = {}) {
  const clock = { now: T0 };
  const p = new SignalProjection({ ttlMs: opts.ttlMs ?? 120_000, activeMax: opts.activeMax, historyMax: opts.historyMax, now: () => clock.now });
  return { p, clock };
}

const ids = (records: readonly { signal: Signal }[]) => records.map((r) => r.signal.id);

describe('SignalProjection', () => {
  it('paused: active signals and those applied meanwhile are history only, and resume revives none', () => {
    const { p } = setup();
    const before = signal(T0);
    p.apply(before);
    p.setPaused(true);
    const during = signal(T0 + 1000, { symbol: 'ETHUSDT' });
    p.apply(during);
    expect(p.active().records).toEqual([]);
    expect(p.latest()).toBeNull();
    expect(p.history().records.map((r) => [r.signal.id, r.state])).toEqual([
      [during.id, 'paused'],
      [before.id, 'paused'],
    ]);
    expect(JSON.parse(p.history().json)[0].state).toBe('paused');
    p.setPaused(false);
    expect(p.latest()).toBeNull();
    const after = signal(T0 + 2000);
    p.apply(after);
    expect(ids(p.active().records)).toEqual([after.id]);
  });

  it('counts received signals by metadata.source, a missing source as unknown', () => {
    const { p } = setup();
    const md = { consensus_confidence: 75, strategies_agree: 3, risk_reward_ratio: 2.4 };
    p.apply(signal(T0, { metadata: { ...md, source: 'live' } }));
    p.apply(signal(T0 + 1, { metadata: { ...md, source: 'replay' } }));
    p.apply(signal(T0 + 2, { metadata: { ...md, source: 'replay' } }));
    p.apply(signal(T0 + 3));
    expect(p.receivedBySource).toEqual({ live: 1, replay: 2, backtest: 0, demo: 0, unknown: 1 });
    expect(p.counters.received).toBe(4);
  });

  it('lists active signals newest first, with the cached JSON equal to the items', () => {
    const { p } = setup();
    const a = signal(T0, { symbol: 'BTCUSDT' });
    const b = signal(T0 + 1, { symbol: 'ETHUSDT', entry_price: 3500, stop_loss: 3482.5, take_profit: 3542 });
    p.apply(a);
    p.apply(b);
    expect(ids(p.active().records)).toEqual([b.id, a.id]);
    expect(JSON.parse(p.active().json)).toEqual([b, a]);
    expect(p.latest()?.signal).toEqual(b);
  });

  it('serialises a list once per change, not once per read', () => {
    const { p } = setup();
    p.apply(signal(T0));
    const first = p.active();
    expect(p.active()).toBe(first);
    expect(p.history()).toBe(p.history());
    p.apply(signal(T0 + 1, { symbol: 'ETHUSDT', entry_price: 3500, stop_loss: 3482.5, take_profit: 3542 }));
    expect(p.active()).not.toBe(first);
  });

  it('expires a signal once its TTL has passed on the injected clock', () => {
    const { p, clock } = setup({ ttlMs: 120_000 });
    const s = signal(T0);
    p.apply(s);
    clock.now = T0 + 119_999;
    expect(ids(p.active().records)).toEqual([s.id]);
    clock.now = T0 + 120_000;
    expect(p.active().records).toEqual([]);
    expect(p.latest()).toBeNull();
    expect(p.history().records[0].state).toBe('expired');
    expect(p.counters.expired).toBe(1);
  });

  it('takes in an already-expired signal (rebuild after downtime) straight into history as expired', () => {
    const { p, clock } = setup({ ttlMs: 1000 });
    clock.now = T0 + 5000;
    p.apply(signal(T0));
    expect(p.active().records).toEqual([]);
    expect(p.history().records.map((r) => r.state)).toEqual(['expired']);
  });

  it('supersedes the active signal of the same symbol and timeframe, not of another timeframe', () => {
    const { p } = setup();
    const old1m = signal(T0, { timeframe: '1m' });
    const old5m = signal(T0 + 1, { timeframe: '5m' });
    const new1m = signal(T0 + 2, { timeframe: '1m', direction: 'SELL', stop_loss: 64_320, take_profit: 63_232 });
    p.apply(old1m);
    p.apply(old5m);
    const out = p.apply(new1m);
    expect(out?.superseded.map((r) => r.signal.id)).toEqual([old1m.id]);
    expect(ids(p.active().records)).toEqual([new1m.id, old5m.id]);
    expect(p.find({ id: old1m.id })?.state).toBe('superseded');
  });

  it('never hands /latest an older signal of a symbol after a newer one was acknowledged', () => {
    const { p } = setup();
    const older = signal(T0);
    const newer = signal(T0 + 1000);
    p.apply(older);
    p.apply(newer);
    expect(p.latest()?.signal.id).toBe(newer.id);
    expect(p.ack(newer.id, '2024-11-21T10:30:02.000000')).toBe('acknowledged');
    // The client remembers `newer.timestamp`; `older` would look new to it and be traded again.
    expect(p.latest()).toBeNull();
    expect(p.active().records).toEqual([]);
  });

  it('also skips an older signal of the acknowledged symbol on another timeframe, but not other symbols', () => {
    const { p } = setup();
    const eth = signal(T0, { symbol: 'ETHUSDT', entry_price: 3500, stop_loss: 3482.5, take_profit: 3542 });
    const btc5m = signal(T0 + 1, { timeframe: '5m' });
    const btc1m = signal(T0 + 2, { timeframe: '1m' });
    [eth, btc5m, btc1m].forEach((s) => p.apply(s));
    p.ack(btc1m.id, 'x');
    expect(p.latest()?.signal.id).toBe(eth.id);
    // The list still shows the 5m signal: it is active for clients that want every timeframe.
    expect(ids(p.active().records)).toEqual([btc5m.id, eth.id]);
  });

  it('acknowledges once and reports a repeat; finds by id and by timestamp', () => {
    const { p } = setup();
    const s = signal(T0);
    p.apply(s);
    expect(p.find({ timestamp: s.timestamp })?.signal.id).toBe(s.id);
    expect(p.ack(s.id, '2024-11-21T10:30:05.000000')).toBe('acknowledged');
    expect(p.ack(s.id, '2024-11-21T10:30:09.000000')).toBe('already_acknowledged');
    const rec = p.find({ id: s.id })!;
    expect(rec.state).toBe('acknowledged');
    expect(rec.acknowledgedAt).toBe('2024-11-21T10:30:05.000000');
    expect(JSON.parse(p.history().json)).toEqual([{ ...s, state: 'acknowledged', acknowledged_at: '2024-11-21T10:30:05.000000' }]);
    expect(p.counters.acknowledged).toBe(1);
    expect(p.ack('1-0', 'x')).toBe('unknown');
  });

  it('acknowledges an expired signal too (the client acted just before the TTL)', () => {
    const { p, clock } = setup({ ttlMs: 1000 });
    const s = signal(T0);
    p.apply(s);
    clock.now = T0 + 2000;
    expect(p.active().records).toEqual([]);
    expect(p.ack(s.id, 'x')).toBe('acknowledged');
    expect(p.find({ id: s.id })?.state).toBe('acknowledged');
  });

  it('keeps an ack that arrives before its signal (acks stream ahead of signals stream)', () => {
    const { p } = setup();
    p.apply(signal(T0));
    const later = signal(T0 + 10);
    expect(p.ack(later.id, 'at')).toBe('unknown');
    p.apply(later);
    expect(p.find({ id: later.id })?.state).toBe('acknowledged');
    expect(p.active().records).toEqual([]);
  });

  it('ignores a repeated or out-of-order id, so a resumed reader is idempotent', () => {
    const { p } = setup();
    const a = signal(T0 + 5);
    p.apply(a);
    expect(p.apply(a)).toBeNull();
    expect(p.apply(signal(T0))).toBeNull();
    expect(p.historySize).toBe(1);
    expect(p.lastId).toBe(a.id);
  });

  it('caps active at 50 (the oldest leave as expired) and history at 500 (the oldest are forgotten)', () => {
    const { p } = setup({ ttlMs: 10 * 60_000 });
    const all: Signal[] = [];
    for (let i = 0; i < 520; i++) {
      // 520 different symbols so nothing supersedes anything.
      const s = signal(T0 + i, { symbol: `S${i}X` });
      all.push(s);
      p.apply(s);
    }
    const newestFirst = [...all].reverse();
    expect(ids(p.active().records)).toEqual(newestFirst.slice(0, 50).map((s) => s.id));
    expect(ids(p.history().records)).toEqual(newestFirst.slice(0, 500).map((s) => s.id));
    expect(p.history().records[50].state).toBe('expired');
    expect(p.find({ id: all[0].id })).toBeUndefined();
    expect(p.find({ timestamp: all[19].timestamp })).toBeUndefined();
    expect(p.find({ timestamp: all[20].timestamp })?.signal.id).toBe(all[20].id);
    expect(p.activeSize).toBe(50);
    expect(p.historySize).toBe(500);
  });

  it('honours custom caps', () => {
    const { p } = setup({ activeMax: 2, historyMax: 3 });
    for (let i = 0; i < 4; i++) p.apply(signal(T0 + i, { symbol: `S${i}X` }));
    expect(p.active().records.map((r) => r.signal.symbol)).toEqual(['S3X', 'S2X']);
    expect(p.history().records.map((r) => r.signal.symbol)).toEqual(['S3X', 'S2X', 'S1X']);
  });
});
