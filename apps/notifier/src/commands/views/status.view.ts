import type { ControlState } from '@app/contracts';
import { formatDuration } from '../../telegram/number-format';
import type { StatsReply } from './gateway-replies';
import { ago, asOf, tradingLine } from './view-text';

export interface StatusData {
  control: ControlState;
  /** Undefined: the gateway did not answer (its error in `gatewayError`). */
  stats: StatsReply | undefined;
  gatewayHealthy: boolean;
  gatewayError: string | undefined;
  openPositions: number | undefined;
}

/** `/status`: the kill switch first (what a trader needs in a hurry), then the pipeline's pulse. */
export function statusView(d: StatusData, now: Date): string {
  const lines = ['📊 <b>Status</b>', tradingLine(d.control)];
  if (d.stats) {
    const s = d.stats.signals;
    const last = s.last_signal_age_seconds === null ? 'no signal yet' : `last signal ${ago(s.last_signal_age_seconds * 1000)}`;
    lines.push(`Signals: ${s.active} active · ${last}`);
    if (d.openPositions !== undefined) lines.push(`Open positions: ${d.openPositions}`);
    lines.push(`Gateway: ${d.gatewayHealthy ? 'up' : '⚠️ <b>not ready</b> (a reader or Redis is down)'} · up ${formatDuration(d.stats.uptime_seconds)} · SSE clients ${d.stats.sse_clients}`);
  } else {
    lines.push(`Gateway: ⚠️ <b>no answer</b> (${d.gatewayError ?? 'unknown error'})`);
  }
  lines.push(asOf(now));
  return lines.join('\n');
}
