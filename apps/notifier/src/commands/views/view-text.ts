import type { ControlState, Direction } from '@app/contracts';
import { field } from '../../telegram/html';
import { formatDuration } from '../../telegram/number-format';

/** Shared pieces of the command answers (HTML, each line balanced on its own). */

export const DIRECTION_EMOJI: Record<Direction, string> = { BUY: '🟢', SELL: '🔴' };

/** `2026-11-29 14:02:10 UTC`: a time a trader reads at a glance, unambiguous across zones. */
export function utc(when: Date | string | number): string {
  const d = new Date(when);
  return Number.isNaN(d.getTime()) ? 'unknown time' : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The footer every view carries, so a refreshed message always says when it was read. */
export function asOf(now: Date): string {
  return `<i>as of ${utc(now)}</i>`;
}

export function ago(ms: number): string {
  return `${formatDuration(ms / 1000)} ago`;
}

const TRADING: Record<ControlState['trading'], string> = {
  enabled: '✅ trading enabled',
  paused: '⏸ <b>PAUSED</b>: no signal is served as active',
  flatten: '🛑 <b>FLATTEN</b>: paused, and ATAS closes its positions',
};

export function tradingLine(c: ControlState): string {
  if (c.trading === 'enabled' && c.by === 'default') return TRADING.enabled;
  return `${TRADING[c.trading]} (since ${utc(c.since)}, by ${field(c.by, 64)})`;
}
