import type { PositionClosedEvent, PositionOpenedEvent } from '@app/contracts';
import { DEFAULT_COSTS } from '@app/trading';
import { PositionProjection } from './position-projection';

const opened = (id: string, symbol: string, at: string): PositionOpenedEvent => ({
  type: 'opened',
  position_id: id,
  signal_id: id,
  signal_timestamp: '2025-05-06T12:00:00.000000',
  symbol,
  direction: 'BUY',
  timeframe: '1m',
  strategy_name: 'Consensus',
  entry_price: 100,
  stop_loss: 98,
  take_profit: 104,
  leverage: 10,
  quantity: 10,
  opened_at: at,
  strategies: [],
});
const closed = (o: PositionOpenedEvent, at: string, exit: number): PositionClosedEvent => ({
  ...o,
  type: 'closed',
  reason: exit >= 104 ? 'take_profit' : 'stop_loss',
  exit_price: exit,
  closed_at: at,
  pnl_pct: exit - 100,
  pnl_leveraged_pct: (exit - 100) * 10,
  r_multiple: (exit - 100) / 2,
  hold_seconds: 60,
});

describe('PositionProjection', () => {
  it('lists open positions newest first and moves a closed one to the history', () => {
    const p = new PositionProjection(DEFAULT_COSTS);
    const a = opened('1-0', 'BTCUSDT', '2025-05-06T12:00:00Z');
    const b = opened('2-0', 'ETHUSDT', '2025-05-06T12:05:00Z');
    p.apply(a);
    p.apply(b);
    expect(p.openPositions().map((x) => x.position_id)).toEqual(['2-0', '1-0']);
    expect(p.openPositions('BTCUSDT').map((x) => x.position_id)).toEqual(['1-0']);
    p.apply(closed(a, '2025-05-06T12:10:00Z', 104));
    expect(p.openPositions().map((x) => x.position_id)).toEqual(['2-0']);
    expect(p.closedPositions().map((x) => [x.position_id, x.reason])).toEqual([['1-0', 'take_profit']]);
    expect(p.find('1-0')?.type).toBe('closed');
  });

  it('is idempotent where the rebuild overlaps the stream: a late opened never reopens', () => {
    const p = new PositionProjection(DEFAULT_COSTS);
    const a = opened('1-0', 'BTCUSDT', '2025-05-06T12:00:00Z');
    expect(p.apply(closed(a, '2025-05-06T12:10:00Z', 98))).toBe(true);
    expect(p.apply(a)).toBe(false); // a replayed opened event
    expect(p.apply(closed(a, '2025-05-06T12:10:00Z', 98))).toBe(false);
    expect(p.openCount).toBe(0);
    expect(p.closedCount).toBe(1);
  });

  it('pages the history most recently closed first, per symbol too, whatever order the closes arrive in', () => {
    const p = new PositionProjection(DEFAULT_COSTS);
    const at = (min: number) => `2025-05-06T12:${String(min).padStart(2, '0')}:00Z`;
    // Closes in a scrambled order: stream order and close times need not agree across closer replicas.
    for (const [id, symbol, min] of [
      ['3-0', 'BTCUSDT', 30],
      ['1-0', 'ETHUSDT', 10],
      ['4-0', 'ETHUSDT', 40],
      ['2-0', 'BTCUSDT', 10],
    ] as const) {
      p.apply(closed(opened(id, symbol, at(0)), at(min), 104));
    }
    expect(p.closedPositions().map((x) => x.position_id)).toEqual(['4-0', '3-0', '2-0', '1-0']);
    expect(p.closedPositions(undefined, 2).map((x) => x.position_id)).toEqual(['4-0', '3-0']);
    expect(p.closedPositions('BTCUSDT', 1).map((x) => x.position_id)).toEqual(['3-0']);
    expect(p.closedPositions('XRPUSDT')).toEqual([]);
    expect([p.closedCountOf(), p.closedCountOf('ETHUSDT'), p.closedCountOf('XRPUSDT')]).toEqual([4, 2, 0]);
  });

  it('serves a history page out of 20,000 closed positions without sorting them per request', () => {
    const p = new PositionProjection(DEFAULT_COSTS);
    const base = Date.parse('2025-05-06T00:00:00Z');
    for (let i = 0; i < 20_000; i++) {
      const id = `${i + 1}-0`;
      p.apply(closed(opened(id, i % 2 ? 'BTCUSDT' : 'ETHUSDT', new Date(base).toISOString()), new Date(base + i * 1000).toISOString(), 104));
    }
    const started = performance.now();
    let first = '';
    for (let i = 0; i < 500; i++) first = p.closedPositions(i % 2 ? 'BTCUSDT' : undefined, 50)[0].position_id;
    const elapsed = performance.now() - started;
    expect(first).toBe('20000-0');
    // Copying and sorting all 20,000 per page took ~10-20 ms a page: 5-10 s for these 500.
    expect(elapsed).toBeLessThan(1000);
  });

  it('recomputes performance after a close', () => {
    const p = new PositionProjection(DEFAULT_COSTS);
    const a = opened('1-0', 'BTCUSDT', '2025-05-06T12:00:00Z');
    const b = opened('2-0', 'BTCUSDT', '2025-05-06T12:20:00Z');
    p.apply(closed(a, '2025-05-06T12:10:00Z', 104));
    expect(p.performance().overall).toMatchObject({ trades: 1, wins: 1, average_r: 2 });
    p.apply(closed(b, '2025-05-06T12:30:00Z', 98));
    // +2 R and −1 R: 0.5 R average, profit 40 / loss 20 = PF 2
    expect(p.performance().overall).toMatchObject({ trades: 2, wins: 1, losses: 1, average_r: 0.5, profit_factor: 2 });
  });

  it('keeps the newest historyMax closed positions in the order their closes were applied, and every open one', () => {
    const p = new PositionProjection(DEFAULT_COSTS, 3);
    const at = (min: number) => `2025-05-06T12:${String(min).padStart(2, '0')}:00Z`;
    const longLived = opened('1-0', 'SOLUSDT', at(0));
    p.apply(longLived);
    // Five closes; the third one closes earliest by the clock but is applied third (stream order).
    const closes = [
      ['2-0', 'BTCUSDT', 10, 104],
      ['3-0', 'ETHUSDT', 12, 98],
      ['4-0', 'BTCUSDT', 5, 104],
      ['5-0', 'ETHUSDT', 20, 104],
      ['6-0', 'BTCUSDT', 25, 98],
    ] as const;
    for (const [id, symbol, min, exit] of closes) {
      p.apply(opened(id, symbol, at(0)));
      p.apply(closed(opened(id, symbol, at(0)), at(min), exit));
    }
    // 2-0 and 3-0 were applied first: they left. 4-0 stays although it closed earliest.
    expect(p.closedPositions().map((x) => x.position_id)).toEqual(['6-0', '5-0', '4-0']);
    expect(p.closedPositions('BTCUSDT').map((x) => x.position_id)).toEqual(['6-0', '4-0']);
    expect(p.closedPositions('ETHUSDT').map((x) => x.position_id)).toEqual(['5-0']);
    expect([p.closedCount, p.closedCountOf('BTCUSDT'), p.closedCountOf('ETHUSDT')]).toEqual([3, 2, 1]);
    expect(p.find('2-0')).toBeUndefined();
    expect(p.openPositions().map((x) => x.position_id)).toEqual(['1-0']);
    // +2 R, +2 R, −1 R over the three kept.
    expect(p.performance().overall).toMatchObject({ trades: 3, wins: 2, losses: 1, total_r: 3 });
  });
});
