import { sampleCandles } from '../../test/candles';
import { decimals8, decimalsOf, roundToTick, TickInference } from './tick-size';

describe('tick rounding', () => {
  it('rounds in the direction asked without floating-point tails', () => {
    expect(roundToTick(95478.14, 0.1, 'down')).toBe(95478.1);
    expect(roundToTick(95478.11, 0.1, 'up')).toBe(95478.2);
    expect(roundToTick(0.1 + 0.2, 0.1, 'up')).toBe(0.3); // 0.30000000000000004 is on the grid
    expect(roundToTick(1826.595, 0.01, 'nearest')).toBe(1826.6);
    expect(roundToTick(34.4213, 0.001, 'down')).toBe(34.421);
    expect(roundToTick(0.00001237, 0.0000001, 'up')).toBe(0.0000124);
    expect(roundToTick(101, 5, 'down')).toBe(100);
  });

  it('counts decimals, exponent notation included', () => {
    expect([decimalsOf(95478), decimalsOf(95478.1), decimalsOf(1e-7), decimalsOf(1.5e-7)]).toEqual([0, 1, 7, 8]);
  });

  it('infers a symbol tick from the finest price seen, never coarser later', () => {
    const t = new TickInference();
    expect(t.tick('BTCUSDT')).toBeUndefined();
    t.observe('BTCUSDT', 95478, 95480);
    expect(t.tick('BTCUSDT')).toBe(1);
    t.observe('BTCUSDT', 95478.1);
    t.observe('BTCUSDT', 95478);
    expect(t.tick('BTCUSDT')).toBe(0.1);
    t.observe('ETHUSDT', 1826.59);
    expect(t.tick('ETHUSDT')).toBe(0.01);
  });
});

describe('decimals8', () => {
  it('counts the decimals of the shortest form, capped at 8, for every price and volume of the sample and odd values', () => {
    const values = [...sampleCandles('BTCUSDT'), ...sampleCandles('ETHUSDT')].flatMap((c) => [c.open, c.high, c.low, c.close, c.volume]);
    values.push(0, 1, 0.1, 0.3, 1e-7, 1.5e-8, 123456789.123, 1e21, 95478.10000000001, 0.1 + 0.2, 1 / 3, 2.5e-9);
    for (const x of values) expect([x, decimals8(x)]).toEqual([x, Math.min(decimalsOf(x), 8)]);
  });
});
