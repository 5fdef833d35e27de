import { parseRetryAfterMs } from './retry-after';

describe('parseRetryAfterMs', () => {
  it('reads delay-seconds and HTTP dates, and nothing else', () => {
    expect(parseRetryAfterMs('7')).toBe(7_000);
    expect(parseRetryAfterMs(' 0 ')).toBe(0);
    const now = Date.parse('2025-05-04T15:33:00Z');
    expect(parseRetryAfterMs('Sun, 04 May 2025 15:33:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Sun, 04 May 2025 15:32:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs(null)).toBeUndefined();
    expect(parseRetryAfterMs('')).toBeUndefined();
    expect(parseRetryAfterMs('soon')).toBeUndefined();
    expect(parseRetryAfterMs('-5')).toBeUndefined();
  });
});
