import { responseTimestamp } from '@app/contracts';
import type { SignalRecord } from './signal-record';
import type { ListQuery } from './signal-requests';

/**
 * Response bodies are assembled from pre-serialised items: the guide's envelope around the cached
 * JSON, so a GET never re-serialises the signals.
 */
export function listBody(itemsJson: string, count: number, now = new Date()): string {
  return `{"status":"success","count":${count},"signals":${itemsJson},"timestamp":"${responseTimestamp(now)}"}`;
}

export function latestBody(record: SignalRecord | null, now = new Date()): string {
  return `{"status":"success","signal":${record ? record.json : 'null'},"timestamp":"${responseTimestamp(now)}"}`;
}

/** A list response for a view, filtered by symbol/timeframe/limit; the whole cached JSON when unfiltered. */
export function filteredListBody(
  view: { records: readonly SignalRecord[]; json: string },
  field: 'json' | 'historyJson',
  query: ListQuery & { symbol?: string },
): string {
  const { symbol, timeframe, limit } = query;
  if (symbol === undefined && timeframe === undefined && (limit === undefined || limit >= view.records.length)) {
    return listBody(view.json, view.records.length);
  }
  const items: string[] = [];
  for (const r of view.records) {
    if (limit !== undefined && items.length >= limit) break;
    if (symbol !== undefined && r.signal.symbol !== symbol) continue;
    if (timeframe !== undefined && r.signal.timeframe !== timeframe) continue;
    items.push(r[field]);
  }
  return listBody(`[${items.join(',')}]`, items.length);
}
