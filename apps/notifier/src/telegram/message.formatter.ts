import type { CloseReason, ControlEvent, Direction, NewSignal, PositionClosedEvent, TradingState } from '@app/contracts';
import { capMessage, field } from './html';
import type { NotificationJob } from '@app/contracts';
import { formatDuration, formatPct, formatPrice, formatR, formatShort, pctFrom } from './number-format';
import { sourceTag } from './source-tag';

/*
 * Pure text templates for `parse_mode: HTML`. Every dynamic value goes through `field` (clipped,
 * then escaped); numbers are formatted here, so they cannot carry markup. Each line is balanced
 * HTML on its own, which lets `capMessage` drop lines without breaking the markup.
 */

const DIRECTION_EMOJI: Record<Direction, string> = { BUY: '🟢', SELL: '🔴' };

const CLOSE_REASON: Record<CloseReason, string> = {
  take_profit: 'take profit',
  stop_loss: 'stop loss',
  opposite_signal: 'opposite signal',
  max_hold: 'max hold time',
  manual: 'closed manually',
};

/** Longest strategy name shown; the list shows at most this many names. */
const NAME_MAX = 40;
const NAMES_SHOWN = 12;

export function formatNotification(item: NotificationJob): string {
  switch (item.kind) {
    case 'signal':
      return formatSignal(item.signal);
    case 'position_closed':
      return formatPositionClosed(item.event);
    case 'control':
      return formatControl(item.event);
  }
}

/** One line per item, for digests. */
export function digestLine(item: NotificationJob): string {
  switch (item.kind) {
    case 'signal':
      return signalLine(item.signal);
    case 'position_closed':
      return positionClosedLine(item.event);
    case 'control':
      return controlLine(item.event);
  }
}

export function formatSignal(s: NewSignal): string {
  const m = s.metadata;
  const agreeing = agreeingStrategies(s);
  const tag = sourceTag(s);
  const lines = [
    // First, so it is the first thing read and the last line a length cap would drop.
    ...(tag ? [`<b>${tag}</b> · not a live signal, do not trade`] : []),
    `${DIRECTION_EMOJI[s.direction]} <b>${s.direction} ${field(s.symbol, 20)}</b> · ${field(s.timeframe, 8)} · ${s.leverage}x`,
    `Entry <code>${formatPrice(s.entry_price)}</code>`,
    `SL <code>${formatPrice(s.stop_loss)}</code> (${formatPct(pctFrom(s.entry_price, s.stop_loss))})`,
    `TP <code>${formatPrice(s.take_profit)}</code> (${formatPct(pctFrom(s.entry_price, s.take_profit))})`,
    `RR <b>${formatShort(m.risk_reward_ratio)}</b> · Strength <b>${formatShort(s.signal_strength)}</b>/100 · Confidence ${formatShort(m.consensus_confidence)}%`,
    `✅ ${m.strategies_agree} agree${agreeing.length ? `: ${nameList(agreeing)}` : ''}`,
    `📈 ${field(s.strategy_name, 60)}`,
    `🕒 <code>${field(s.timestamp, 32)}</code> UTC`,
  ];
  return capMessage(lines.join('\n'));
}

export function formatPositionClosed(e: PositionClosedEvent): string {
  const tag = sourceTag({ metadata: { source: e.source } });
  const lines = [
    ...(tag ? [`<b>${tag}</b> · not a live position`] : []),
    `${e.pnl_pct >= 0 ? '✅' : '❌'} <b>${field(e.symbol, 20)} ${e.direction} closed</b> · ${CLOSE_REASON[e.reason]}`,
    `Entry <code>${formatPrice(e.entry_price)}</code> → Exit <code>${formatPrice(e.exit_price)}</code>`,
    `PnL <b>${formatPct(e.pnl_pct)}</b> · <b>${formatPct(e.pnl_leveraged_pct)}</b> at ${formatShort(e.leverage)}x · <b>${formatR(e.r_multiple)}</b>${netR(e)}`,
    `⏱ Held ${formatDuration(e.hold_seconds)} · ${field(e.timeframe, 8)} · ${field(e.strategy_name, 60)}`,
    ...(e.strategies.length ? [`✅ ${nameList(e.strategies)}`] : []),
    `🕒 signal <code>${field(e.signal_timestamp, 32)}</code> UTC`,
  ];
  return capMessage(lines.join('\n'));
}

const CONTROL_TEXT: Record<TradingState, string> = {
  enabled: '▶️ <b>Trading resumed</b>: new signals are served again',
  paused: '⏸ <b>Trading paused</b>: no signal is served, no new entries',
  flatten: '🛑 <b>Flatten all</b>: no new entries, ATAS closes its positions (stops kept until flat)',
};

/** A kill switch change: what it means for the trader first, then who and when. */
export function formatControl(e: ControlEvent): string {
  return capMessage(
    [CONTROL_TEXT[e.trading], `Was ${field(e.previous, 10)} · by <b>${field(e.by, 64)}</b>`, `🕒 <code>${field(e.since, 32)}</code>`].join('\n'),
  );
}

function controlLine(e: ControlEvent): string {
  return `${CONTROL_TEXT[e.trading]} · by <b>${field(e.by, 64)}</b> · <code>${field(e.since, 32)}</code>`;
}

function signalLine(s: NewSignal): string {
  const tag = sourceTag(s);
  return (
    (tag ? `<b>${tag}</b> · ` : '') +
    `${DIRECTION_EMOJI[s.direction]} ${s.direction} <b>${field(s.symbol, 20)}</b> ${field(s.timeframe, 8)} @ <code>${formatPrice(s.entry_price)}</code>` +
    ` · SL ${formatPrice(s.stop_loss)} · TP ${formatPrice(s.take_profit)} · RR ${formatShort(s.metadata.risk_reward_ratio)}` +
    ` · ${s.leverage}x · ${formatShort(s.signal_strength)}% · ${s.metadata.strategies_agree} agree · <code>${field(s.timestamp, 32)}</code>`
  );
}

function positionClosedLine(e: PositionClosedEvent): string {
  const tag = sourceTag({ metadata: { source: e.source } });
  return (
    (tag ? `<b>${tag}</b> · ` : '') +
    `${e.pnl_pct >= 0 ? '✅' : '❌'} <b>${field(e.symbol, 20)}</b> ${e.direction} closed · ${CLOSE_REASON[e.reason]}` +
    ` · ${formatPct(e.pnl_pct)} (${formatPct(e.pnl_leveraged_pct)} at ${formatShort(e.leverage)}x) · ${formatR(e.r_multiple)}${netR(e)}` +
    ` · <code>${field(e.signal_timestamp, 32)}</code>`
  );
}

/** The R after fees and slippage beside the gross one; events closed before costs were recorded have none. */
function netR(e: PositionClosedEvent): string {
  return e.net_r_multiple === undefined ? '' : ` (net ${formatR(e.net_r_multiple)} after fees)`;
}

/** Strategies that voted the signal's way; empty when the signal carries no votes. */
export function agreeingStrategies(s: NewSignal): string[] {
  return (s.metadata.votes ?? []).filter((v) => v.direction === s.direction).map((v) => v.strategy);
}

function nameList(names: string[]): string {
  const shown = names.slice(0, NAMES_SHOWN).map((n) => field(n, NAME_MAX));
  const more = names.length - shown.length;
  return shown.join(', ') + (more > 0 ? ` +${more} more` : '');
}
