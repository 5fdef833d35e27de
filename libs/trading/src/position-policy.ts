import type { Direction } from '@app/contracts';

/**
 * What a new signal does to its symbol, one position per symbol as ATAS trades it:
 * - `open`: nothing is open;
 * - `ignore`: the same direction is already open; ATAS's SL/TP orders stay on the first entry,
 *   so the position keeps the first signal's levels;
 * - `reverse`: the opposite direction is open: it is closed at this signal's entry
 *   (`opposite_signal`), then this signal opens.
 */
export type SignalAction = 'open' | 'ignore' | 'reverse';

export function signalAction(openDirection: Direction | undefined, direction: Direction): SignalAction {
  if (openDirection === undefined) return 'open';
  return openDirection === direction ? 'ignore' : 'reverse';
}
