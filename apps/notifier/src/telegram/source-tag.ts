import { signalSource, type SignalSource, type SignalSourceLabel } from '@app/contracts';

/**
 * The mark every non-live signal (and every position it opened) carries in Telegram, so a trader
 * reading the chat never takes a replayed, backtested or demo signal or result for a live one.
 * Live ones carry none: their messages stay exactly as before. Without a source is not live
 * either, and says so.
 */
const TAGS: Record<Exclude<SignalSourceLabel, 'live'>, string> = {
  replay: '🧪 REPLAY',
  backtest: '🧪 BACKTEST',
  demo: '🧪 DEMO',
  unknown: '⚠️ SOURCE UNKNOWN',
};

/** The tag for a signal, or undefined for a live one. */
export function sourceTag(signal: { metadata: { source?: SignalSource } }): string | undefined {
  const source = signalSource(signal);
  return source === 'live' ? undefined : TAGS[source];
}
