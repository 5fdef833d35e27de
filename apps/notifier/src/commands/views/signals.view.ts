import type { ControlState } from '@app/contracts';
import { parseTimestampMs } from '@app/contracts';
import { field } from '../../telegram/html';
import { formatPrice, formatShort } from '../../telegram/number-format';
import { sourceTag } from '../../telegram/source-tag';
import type { ServedSignal } from './gateway-replies';
import { ago, asOf, DIRECTION_EMOJI } from './view-text';

/** Signals listed; the gateway holds at most 50 active ones, a chat message fewer. */
export const SIGNALS_SHOWN = 10;

/** `/signals`: the active signals, newest first, as ATAS would receive them now. */
export function signalsView(signals: readonly ServedSignal[], skipped: number, control: ControlState, now: Date): string {
  const lines = [`📡 <b>Active signals</b> (${signals.length})`];
  if (control.trading !== 'enabled') lines.push('⏸ Trading is paused: no signal is served as active until /resume.');
  else if (!signals.length) lines.push('No active signal.');
  for (const s of signals.slice(0, SIGNALS_SHOWN)) {
    const tag = sourceTag(s);
    const age = Math.max(0, now.getTime() - parseTimestampMs(s.timestamp));
    lines.push(
      `${DIRECTION_EMOJI[s.direction]} <b>${s.direction} ${field(s.symbol, 20)}</b> · ${field(s.timeframe, 8)}${tag ? ` · <b>${tag}</b>` : ''} · ${ago(age)}`,
      `   entry <code>${formatPrice(s.entry_price)}</code> · SL <code>${formatPrice(s.stop_loss)}</code> · TP <code>${formatPrice(s.take_profit)}</code> · strength ${formatShort(s.signal_strength)}`,
    );
  }
  if (signals.length > SIGNALS_SHOWN) lines.push(`… and ${signals.length - SIGNALS_SHOWN} more`);
  if (skipped) lines.push(`(${skipped} unreadable, not shown)`);
  lines.push(asOf(now));
  return lines.join('\n');
}
