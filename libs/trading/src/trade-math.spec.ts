import { pnlPct, priceMove, rMultiple } from './trade-math';

describe('trade arithmetic', () => {
  it('BUY: profit when the price rises; R in units of |entry − stop|', () => {
    expect(priceMove('BUY', 100, 104)).toBe(4);
    expect(pnlPct('BUY', 100, 104)).toBe(4);
    expect(rMultiple('BUY', 100, 98, 104)).toBe(2);
    expect(rMultiple('BUY', 100, 98, 98)).toBe(-1);
  });

  it('SELL: profit when the price falls', () => {
    // (200 − 190) / 200 = 5 %; risk 4: 10 / 4 = 2.5 R; exit above entry: −1 / 4 = −0.25 R
    expect(pnlPct('SELL', 200, 190)).toBe(5);
    expect(rMultiple('SELL', 200, 204, 190)).toBe(2.5);
    expect(rMultiple('SELL', 200, 204, 201)).toBe(-0.25);
    expect(pnlPct('SELL', 200, 201)).toBe(-0.5);
  });
});
