import { responseTimestamp } from '@app/contracts';
import { PerSecondBody, PreparedBody } from '../http/prepared-body';
import type { ListView } from './signal-projection';
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

type ListQueryOf = ListQuery & { symbol?: string };

function unfiltered(view: ListView, { symbol, timeframe, limit }: ListQueryOf): boolean {
  return symbol === undefined && timeframe === undefined && (limit === undefined || limit >= view.records.length);
}

/** A list response for a view, filtered by symbol/timeframe/limit. */
export function filteredListBody(view: ListView, field: 'json' | 'historyJson', query: ListQueryOf, now = new Date()): string {
  if (unfiltered(view, query)) return listBody(view.json, view.records.length, now);
  const { symbol, timeframe, limit } = query;
  const items: string[] = [];
  for (const r of view.records) {
    if (limit !== undefined && items.length >= limit) break;
    if (symbol !== undefined && r.signal.symbol !== symbol) continue;
    if (timeframe !== undefined && r.signal.timeframe !== timeframe) continue;
    items.push(r[field]);
  }
  return listBody(`[${items.join(',')}]`, items.length, now);
}

/**
 * The bodies of the signal endpoints as bytes. The unfiltered ones (what the guide's client and
 * the dashboard poll) are built once per change of their list and per second, and compressed at
 * most once each; a filtered one is built per request.
 */
export class SignalBodies {
  private readonly active = new PerSecondBody();
  private readonly history = new PerSecondBody();
  private readonly latestBody = new PerSecondBody();

  latest(record: SignalRecord | null, nowMs = Date.now()): PreparedBody {
    return this.latestBody.get(record, nowMs, (now) => latestBody(record, now));
  }

  activeList(view: ListView, query: ListQueryOf, nowMs = Date.now()): PreparedBody {
    return this.list(this.active, view, 'json', query, nowMs);
  }

  historyList(view: ListView, query: ListQueryOf, nowMs = Date.now()): PreparedBody {
    return this.list(this.history, view, 'historyJson', query, nowMs);
  }

  private list(cache: PerSecondBody, view: ListView, field: 'json' | 'historyJson', query: ListQueryOf, nowMs: number): PreparedBody {
    if (unfiltered(view, query)) return cache.get(view, nowMs, (now) => listBody(view.json, view.records.length, now));
    return PreparedBody.of(filteredListBody(view, field, query, new Date(nowMs)));
  }
}
