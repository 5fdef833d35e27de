import type { Signal } from '@app/contracts';

/** `paused`: stored while the kill switch was off (or turned off while it was active); never served as active. */
export type SignalState = 'active' | 'acknowledged' | 'expired' | 'superseded' | 'paused';

/** One signal as the gateway holds it. Read-only outside the projection. */
export interface SignalRecord {
  readonly signal: Signal;
  /** When Redis stored the entry (the stream id's time): the same on every replica, so TTLs agree. */
  readonly storedAtMs: number;
  readonly expiresAtMs: number;
  readonly state: SignalState;
  readonly acknowledgedAt: string | null;
  /** The item JSON of `/api/signals` and SSE `signal` events, serialised once. */
  readonly json: string;
  /** The item JSON of `/api/signals/history` (the signal plus state), re-serialised on state change. */
  readonly historyJson: string;
}

/** `/api/signals/history` item: the signal, its state, and when it was acknowledged. */
export function historyItemJson(signal: Signal, state: SignalState, acknowledgedAt: string | null): string {
  return JSON.stringify({ ...signal, state, acknowledged_at: acknowledgedAt });
}
