import { formatMs } from '../logic/format';
import { healthRows, latencyRows } from '../logic/system';
import type { StreamStatus } from './signal-stream';

interface Props {
  health: unknown;
  stats: Record<string, unknown> | undefined;
  stream: StreamStatus;
}

const show = (v: unknown) => (typeof v === 'number' ? String(v) : '—');

/** Up/down per reader and Redis, the signal stream's freshness, SSE clients, latencies when reported. */
export function SystemPanel({ health, stats, stream }: Props) {
  const rows = healthRows(health);
  const signals = (stats?.signals ?? {}) as Record<string, unknown>;
  const latencies = latencyRows(stats);
  return (
    <div class="system" data-testid="system">
      <table class="grid">
        <tbody>
          <tr>
            <td>dashboard stream</td>
            <td class={stream === 'live' ? 'pos' : 'neg'}>{stream}</td>
          </tr>
          {rows.map((r) => (
            <tr key={r.name}>
              <td>{r.name.replace(/_/g, ' ')}</td>
              <td class={r.up ? 'pos' : 'neg'}>{r.detail}</td>
            </tr>
          ))}
          <tr>
            <td>last signal</td>
            <td>{typeof signals.last_signal_age_seconds === 'number' ? `${signals.last_signal_age_seconds}s ago` : '—'}</td>
          </tr>
          <tr>
            <td>signals received / active</td>
            <td>
              {show(signals.received)} / {show(signals.active)}
            </td>
          </tr>
          <tr>
            <td>SSE clients</td>
            <td>{show(stats?.sse_clients)}</td>
          </tr>
          {latencies.map((l) => (
            <tr key={l.stage}>
              <td>{l.label} p50 / p99</td>
              <td>
                {formatMs(l.p50)} / {formatMs(l.p99)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
