import type { OpenPosition } from './position';

/**
 * Closes a position still open after MAX_HOLD_MINUTES. The `position-max-hold` queue implements it
 * (max-hold/), whose worker closes through PositionCloser: declared here, so positions/ depends on
 * no other folder and the two do not import each other.
 */
export interface MaxHoldTimer {
  /** Idempotent per position; the delay counts from `opened_at`. */
  schedule(position: OpenPosition): Promise<void>;
  /** Drops the timer of a position closed earlier. */
  cancel(positionId: string): Promise<void>;
}

export const MAX_HOLD_TIMER = Symbol('MAX_HOLD_TIMER');
