/** XREAD / XREADGROUP reply: [[stream, [[id, [k, v, ...]], ...]], ...] */
export type RawStreamReply = [string, [string, string[]][]][] | null;

export interface DecodedEntry<T> {
  id: string;
  payload: T;
}

/** Milliseconds part of a stream id: the time Redis stored the entry. */
export function streamIdTime(id: string): number {
  return Number(id.split('-')[0]);
}

/** Compares two stream ids numerically (`10-0` > `9-5`). */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return (as ?? 0n) < (bs ?? 0n) ? -1 : 1;
  return 0;
}

export const STREAM_ID_RE = /^\d{1,20}-\d{1,20}$/;
