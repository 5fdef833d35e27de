import { counter, histogram } from '@app/observability';

export const positionsOpened = counter({
  name: 'positions_opened_total',
  help: 'Positions opened from signals (once per position across replicas)',
});

export const positionsClosed = counter({
  name: 'positions_closed_total',
  help: 'Positions closed, by reason (once per position across replicas)',
  labelNames: ['reason'] as const,
});

export const realisedR = histogram({
  name: 'position_realised_r',
  help: 'Realised R multiple of closed positions (profit in units of the initial risk)',
  labelNames: ['reason'] as const,
  buckets: [-3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 5],
});

export const realisedNetR = histogram({
  name: 'position_realised_net_r',
  help: 'Realised R multiple of closed positions after fees and slippage (TAKER_FEE_BPS, MAKER_FEE_BPS, SLIPPAGE_TICKS)',
  labelNames: ['reason'] as const,
  buckets: [-3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 5],
});

export const signalsIgnored = counter({
  name: 'positions_signals_ignored_total',
  help: 'Signals that opened no position: same_direction (one already open) or stale (older than the open one)',
  labelNames: ['reason'] as const,
});
