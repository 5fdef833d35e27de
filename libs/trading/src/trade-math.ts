import type { Direction } from '@app/contracts';

/** Price move from entry to exit per unit, signed so that a profit is positive. */
export function priceMove(direction: Direction, entry: number, exit: number): number {
  return direction === 'BUY' ? exit - entry : entry - exit;
}

/** Price move in percent of entry, signed so that a profit is positive. */
export function pnlPct(direction: Direction, entry: number, exit: number): number {
  return (priceMove(direction, entry, exit) / entry) * 100;
}

/** Profit in units of the initial risk |entry − stop|: a full stop is −1 R. */
export function rMultiple(direction: Direction, entry: number, stopLoss: number, exit: number): number {
  return priceMove(direction, entry, exit) / Math.abs(entry - stopLoss);
}
