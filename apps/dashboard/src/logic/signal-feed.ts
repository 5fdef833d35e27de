import type { HistorySignal, Signal, SignalState } from './types';

/** What the feed shows of one signal. */
export interface FeedItem extends HistorySignal {
  source: string;
}

export interface FeedState {
  /** Newest first (stream ids grow with time). */
  items: FeedItem[];
}

export type FeedAction =
  | { type: 'history'; items: HistorySignal[] }
  | { type: 'signal'; signal: Signal }
  | { type: 'ack'; id: string; acknowledged_at: string };

export const EMPTY_FEED: FeedState = { items: [] };
const MAX_ITEMS = 500;

/**
 * The signal feed: the gateway's history (authoritative states) merged with live SSE events. A
 * live signal supersedes the active one of its symbol and timeframe, as the gateway does, so the
 * feed is right at once; the next history load confirms it.
 */
export function feedReducer(state: FeedState, action: FeedAction): FeedState {
  switch (action.type) {
    case 'history': {
      const byId = new Map(state.items.map((i) => [i.id, i]));
      for (const h of action.items) byId.set(h.id, toItem(h, h.state, h.acknowledged_at));
      return { items: sortNewestFirst([...byId.values()]) };
    }
    case 'signal': {
      const s = action.signal;
      if (state.items.some((i) => i.id === s.id)) return state;
      const items = state.items.map((i) =>
        i.state === 'active' && i.symbol === s.symbol && i.timeframe === s.timeframe && compareIds(i.id, s.id) < 0 ? { ...i, state: 'superseded' as const } : i,
      );
      return { items: sortNewestFirst([toItem(s, 'active', null), ...items]) };
    }
    case 'ack':
      return { items: state.items.map((i) => (i.id === action.id ? { ...i, state: 'acknowledged', acknowledged_at: action.acknowledged_at } : i)) };
  }
}

function toItem(s: Signal, state: SignalState, acknowledgedAt: string | null): FeedItem {
  return { ...s, state, acknowledged_at: acknowledgedAt, source: s.metadata.source ?? 'unknown' };
}

function sortNewestFirst(items: FeedItem[]): FeedItem[] {
  return items.sort((a, b) => compareIds(b.id, a.id)).slice(0, MAX_ITEMS);
}

/** Stream ids `ms-seq` compared numerically. */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am - bm || as - bs;
}

/** Only `live` signals are for trading: the feed marks every other source loudly. */
export function isLive(item: { source: string }): boolean {
  return item.source === 'live';
}
