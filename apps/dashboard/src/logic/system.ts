import type { TradingState } from './types';

export interface ServiceRow {
  name: string;
  up: boolean;
  detail: string;
}

/**
 * The gateway's `/api/health` body (terminus: `info` and `error` keyed by check) as rows: up when
 * the check is in `info` with status up.
 */
export function healthRows(body: unknown): ServiceRow[] {
  if (!body || typeof body !== 'object') return [];
  const details = (body as { details?: Record<string, { status?: string; [k: string]: unknown }> }).details ?? {};
  return Object.entries(details).map(([name, d]) => ({ name, up: d.status === 'up', detail: d.status === 'up' ? 'up' : typeof d.message === 'string' ? d.message : (d.status ?? 'down') }));
}

/** What each delivery stage of `/api/stats` measures, as the README's latency table names it. */
const STAGE_LABELS: Record<string, string> = {
  candle_to_signal: 'candle close → signal',
  served: 'stream → served',
  sse: 'stream → SSE',
  telegram: 'stream → Telegram',
  ack: 'signal → ATAS ack',
};

/** Latency percentiles from `/api/stats` when it has them (`latency` or `delivery_latency` keyed by stage), in its order. */
export function latencyRows(stats: unknown): { stage: string; label: string; p50: number | null; p99: number | null }[] {
  if (!stats || typeof stats !== 'object') return [];
  const s = stats as Record<string, unknown>;
  const block = (s.latency ?? s.delivery_latency ?? s.latencies) as Record<string, unknown> | undefined;
  if (!block || typeof block !== 'object') return [];
  return Object.entries(block)
    .filter(([, v]) => v && typeof v === 'object')
    .map(([stage, v]) => {
      const o = v as Record<string, unknown>;
      const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
      return { stage, label: STAGE_LABELS[stage] ?? stage.replace(/_/g, ' '), p50: n(o.p50_ms ?? o.p50), p99: n(o.p99_ms ?? o.p99) };
    });
}

export function tradingLabel(t: TradingState): string {
  return t === 'enabled' ? 'TRADING' : t === 'paused' ? 'PAUSED' : 'FLATTEN';
}
