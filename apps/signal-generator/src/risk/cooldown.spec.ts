import { Cooldown } from './cooldown';

describe('Cooldown', () => {
  it('blocks a symbol for the window after a signal, in candle time, per symbol', () => {
    const c = new Cooldown(900_000);
    expect(c.remaining('BTCUSDT', 0)).toBe(0);
    c.mark('BTCUSDT', 1_000_000);
    expect(c.remaining('BTCUSDT', 1_060_000)).toBe(840_000);
    expect(c.remaining('ETHUSDT', 1_060_000)).toBe(0);
    expect(c.remaining('BTCUSDT', 1_900_000)).toBe(0);
  });
});
