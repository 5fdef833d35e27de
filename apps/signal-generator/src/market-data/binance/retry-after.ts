/**
 * `Retry-After` in milliseconds: delay-seconds (what Binance sends with 429/418) or an HTTP date.
 * Undefined when absent or unreadable.
 */
export function parseRetryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date always names the day and month; without this, Date.parse('-5') is the year -5.
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
