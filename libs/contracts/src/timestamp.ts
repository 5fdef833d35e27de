/**
 * Signal timestamps in the guide's format: UTC ISO-8601 with microseconds and no offset,
 * e.g. `2024-11-21T10:30:45.123456`.
 *
 * The guide's C# client acknowledges by timestamp, so two signals must never share one: the clock
 * below is strictly increasing within a process (it bumps by 1 µs on a collision).
 */
export const SIGNAL_TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

export function formatMicros(epochMicros: number): string {
  const ms = Math.floor(epochMicros / 1000);
  const micros = Math.floor(epochMicros - ms * 1000);
  const iso = new Date(ms).toISOString(); // 2024-11-21T10:30:45.123Z
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}`;
}

/** Parses a guide timestamp (or any ISO string) as UTC; NaN when unparseable. */
export function parseTimestampMs(ts: string): number {
  const withZone = /[zZ]|[+-]\d{2}:?\d{2}$/.test(ts) ? ts : `${ts}Z`;
  // Date.parse keeps milliseconds only, which is all expiry needs.
  return Date.parse(withZone.replace(/(\.\d{3})\d+/, '$1'));
}

export class MicrosClock {
  private last = 0;
  constructor(private readonly nowMs: () => number = () => performance.timeOrigin + performance.now()) {}

  /** Strictly increasing epoch microseconds. */
  nowMicros(): number {
    const t = Math.floor(this.nowMs() * 1000);
    this.last = t > this.last ? t : this.last + 1;
    return this.last;
  }

  nowTimestamp(): string {
    return formatMicros(this.nowMicros());
  }
}

/** `2024-11-21T10:31:00`: the guide's response-level timestamp (seconds precision). */
export function responseTimestamp(now: Date = new Date()): string {
  return now.toISOString().slice(0, 19);
}
