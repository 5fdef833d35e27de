import type { Candle } from '@app/contracts';
import { SymbolDecisions, type Decision } from './symbol-decisions';

const MIN = 60_000;
const decision = (symbol: string, minute: number): Decision => ({
  candle: { symbol, open_time: minute * MIN, close_time: (minute + 1) * MIN - 1 } as Candle,
  signals: [],
  deliveredAt: 0,
});
const minutes = (handouts: { decision: Decision }[]) => handouts.map((h) => h.decision.candle.open_time / MIN);

describe('SymbolDecisions', () => {
  it('on standby, keeps each decision until the checkpoint passes it, and hands nothing out', () => {
    const d = new SymbolDecisions(100);
    for (let i = 1; i <= 5; i++) expect(d.add(decision('BTC', i))).toEqual({ publish: undefined, dropped: 0 });
    expect(d.pendingCount()).toBe(5);
    expect(d.settled('BTC', 3 * MIN)).toBe(3);
    expect(d.settled('BTC', undefined)).toBe(0);
    expect(d.checkpoint('BTC')).toBe(3 * MIN);
    expect(d.unsettled()).toEqual(['BTC']);
    expect(d.settled('BTC', 5 * MIN)).toBe(2);
    expect(d.unsettled()).toEqual([]);
  });

  it('on taking a symbol over, hands out every decision after the checkpoint, oldest first, then each new one at once', () => {
    const d = new SymbolDecisions(100);
    for (let i = 1; i <= 6; i++) d.add(decision('BTC', i));
    d.add(decision('ETH', 1));
    const taken = d.take('BTC', 2 * MIN);
    expect(taken.settled).toBe(2);
    expect(minutes(taken.publish)).toEqual([3, 4, 5, 6]);
    expect(taken.publish.every((h) => d.isCurrent(h))).toBe(true);
    const next = d.add(decision('BTC', 7)).publish;
    expect(next && d.isCurrent(next)).toBe(true);
    expect(d.add(decision('ETH', 2)).publish).toBeUndefined();
    expect(d.held()).toEqual(['BTC']);
    d.published('BTC', 5 * MIN);
    expect(d.pendingCount()).toBe(2 + 2);
  });

  it('a handout from before a loss is stale, even once the symbol is taken again, and its decision is handed out again', () => {
    const d = new SymbolDecisions(100);
    d.take('BTC', undefined);
    const old = d.add(decision('BTC', 1)).publish!;
    expect(d.lose('BTC')).toBe(true);
    expect(d.lose('BTC')).toBe(false);
    expect(d.isCurrent(old)).toBe(false);
    const again = d.take('BTC', undefined);
    expect(d.isCurrent(old)).toBe(false);
    expect(minutes(again.publish)).toEqual([1]);
    expect(d.isCurrent(again.publish[0])).toBe(true);
  });

  it('keeps at most maxPerSymbol decisions per symbol, dropping the oldest and saying how many', () => {
    const d = new SymbolDecisions(3);
    for (let i = 1; i <= 3; i++) expect(d.add(decision('BTC', i)).dropped).toBe(0);
    expect(d.add(decision('BTC', 4)).dropped).toBe(1);
    expect(minutes(d.take('BTC', undefined).publish)).toEqual([2, 3, 4]);
    expect(() => new SymbolDecisions(0)).toThrow(/positive integer/);
  });
});
