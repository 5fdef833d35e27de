import { fullJitterDelay } from './backoff';

describe('fullJitterDelay', () => {
  it('spreads over [0, base·2^attempt) and never exceeds the cap', () => {
    const top = (attempt: number): number => fullJitterDelay(attempt, 100, 5_000, () => 0.999999);
    expect([0, 1, 2, 3, 5, 6, 50].map(top)).toEqual([99, 199, 399, 799, 3199, 4999, 4999]);
    expect(fullJitterDelay(4, 100, 5_000, () => 0)).toBe(0);
    expect(fullJitterDelay(4, 100, 5_000, () => 0.5)).toBe(800);
  });

  it('stays finite for absurd attempt counts', () => {
    expect(fullJitterDelay(10_000, 500, 30_000, () => 0.5)).toBe(15_000);
  });
});
