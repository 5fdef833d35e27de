import { formatAgo, formatMs, formatPrice, formatR, formatTime, formatWeight } from './format';

describe('format', () => {
  it('prices keep precision that suits their size', () => {
    expect(formatPrice(64012.5)).toBe('64,012.50');
    expect(formatPrice(3.14159)).toBe('3.1416');
    expect(formatPrice(0.0123456)).toBe('0.012346');
  });
  it('R is signed, with a dash for none', () => {
    expect(formatR(1.234)).toBe('+1.23R');
    expect(formatR(-0.5)).toBe('−0.50R');
    expect(formatR(0)).toBe('0.00R');
    expect(formatR(undefined)).toBe('—');
  });
  it('a vote weight shows only under the adaptive consensus', () => {
    expect(formatWeight(1.274)).toBe('×1.27');
    expect(formatWeight(0.5)).toBe('×0.50');
    expect(formatWeight(undefined)).toBe('');
  });
  it('reads zone-less signal timestamps as UTC', () => {
    expect(formatTime('2026-01-05T09:30:45.123456')).toBe('09:30:45');
    expect(formatAgo('2026-01-05T09:30:00.000000', Date.UTC(2026, 0, 5, 9, 42))).toBe('12m');
    expect(formatAgo('2026-01-05T09:30:00Z', Date.UTC(2026, 0, 5, 9, 30, 4))).toBe('4s');
  });
  it('latencies', () => {
    expect(formatMs(12.4)).toBe('12 ms');
    expect(formatMs(1400)).toBe('1.4 s');
    expect(formatMs(null)).toBe('—');
  });
});
