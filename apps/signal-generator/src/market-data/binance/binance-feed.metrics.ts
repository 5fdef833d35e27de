import type { Counter, Gauge } from 'prom-client';
import { counter, gauge } from '@app/observability';

/** What the live feed counts; injectable so a test or a second registry can take its own. */
export interface BinanceFeedMetrics {
  /** Reconnect attempts scheduled after a lost or refused connection. */
  reconnects: Counter;
  /** Connections declared dead for silence. */
  stalls: Counter;
  /** Planned connection replacements before Binance's 24 h cut. */
  rotations: Counter;
  gapFilledCandles: Counter<'symbol'>;
  gapFillFailures: Counter<'symbol'>;
  malformedFrames: Counter<'reason'>;
  restRetries: Counter<'endpoint' | 'status'>;
  connected: Gauge;
}

/** The process-wide series (get-or-create, so two feeds in one process share them). */
export function binanceFeedMetrics(): BinanceFeedMetrics {
  return {
    reconnects: counter({ name: 'binance_ws_reconnects_total', help: 'Binance WebSocket reconnect attempts' }),
    stalls: counter({ name: 'binance_ws_stalls_total', help: 'Binance WebSocket connections closed for silence' }),
    rotations: counter({ name: 'binance_ws_rotations_total', help: 'Planned Binance WebSocket connection rotations' }),
    gapFilledCandles: counter({
      name: 'binance_gap_filled_candles_total',
      help: 'Closed candles recovered from REST after a disconnect',
      labelNames: ['symbol'],
    }),
    gapFillFailures: counter({
      name: 'binance_gap_fill_failures_total',
      help: 'Gap fills that gave up (candles in the range are missing)',
      labelNames: ['symbol'],
    }),
    malformedFrames: counter({
      name: 'binance_ws_malformed_frames_total',
      help: 'WebSocket frames skipped as unreadable or unexpected',
      labelNames: ['reason'],
    }),
    restRetries: counter({
      name: 'binance_rest_retries_total',
      help: 'Binance REST calls retried, by endpoint and HTTP status (or network)',
      labelNames: ['endpoint', 'status'],
    }),
    connected: gauge({ name: 'binance_ws_connected', help: '1 while a Binance WebSocket is open' }),
  };
}
