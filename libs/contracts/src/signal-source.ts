import { z } from 'zod';

/**
 * Where a signal came from, carried in `metadata.source` and set by its producer:
 * - `live`: decided on the exchange's live feed (the only kind anyone should trade);
 * - `replay`: decided on a recorded feed replayed by the generator (`MARKET_SOURCE=replay`);
 * - `backtest`: produced by the backtest, never published;
 * - `demo`: a made-up example (`npm run signals:demo`, `npm run notify:test`).
 *
 * Stored in Redis: renaming a value needs a migration, and the ATAS strategy compares the string.
 */
export const SIGNAL_SOURCES = ['live', 'replay', 'backtest', 'demo'] as const;
export const SignalSourceSchema = z.enum(SIGNAL_SOURCES);
export type SignalSource = z.infer<typeof SignalSourceSchema>;

/**
 * A signal whose `metadata.source` is missing (written before provenance existed, or by a
 * producer outside this repository) reads as `unknown`, and `unknown` is never live: the ATAS
 * strategy refuses it, Telegram marks it, `/api/stats` counts it apart. Readers accept it rather
 * than drop it, so an upgrade does not make the stream's older entries vanish.
 */
export type SignalSourceLabel = SignalSource | 'unknown';

/** Every label `/api/stats` and the metrics count by, in display order. */
export const SIGNAL_SOURCE_LABELS: readonly SignalSourceLabel[] = [...SIGNAL_SOURCES, 'unknown'];

export function signalSource(signal: { metadata: { source?: SignalSource } }): SignalSourceLabel {
  return signal.metadata.source ?? 'unknown';
}

/** True only for a signal its producer marked `live`; missing provenance is not live. */
export function isLiveSignal(signal: { metadata: { source?: SignalSource } }): boolean {
  return signal.metadata.source === 'live';
}
