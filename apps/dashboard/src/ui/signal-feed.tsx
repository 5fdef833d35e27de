import { formatAgo, formatPrice, formatTime, formatWeight } from '../logic/format';
import { isLive, type FeedItem } from '../logic/signal-feed';

interface Props {
  items: FeedItem[];
  selectedId: string | undefined;
  onSelect: (item: FeedItem) => void;
  now: number;
}

/** Newest first: each signal with its levels, strength, source, state and the votes behind it. */
export function SignalFeed({ items, selectedId, onSelect, now }: Props) {
  if (!items.length) return <div class="empty">No signals yet. They appear here the moment the gateway has them.</div>;
  return (
    <ul class="feed" data-testid="signal-feed">
      {items.map((s) => (
        <li key={s.id} class={`signal ${s.id === selectedId ? 'selected' : ''} state-${s.state}`} data-signal-id={s.id} onClick={() => onSelect(s)}>
          <div class="signal-head">
            <span class={`dir ${s.direction === 'BUY' ? 'buy' : 'sell'}`}>{s.direction}</span>
            <span class="sym">{s.symbol}</span>
            <span class="tf">{s.timeframe}</span>
            <span class={`badge source ${isLive(s) ? 'live' : 'not-live'}`} title="metadata.source: only live signals are traded">
              {s.source.toUpperCase()}
            </span>
            <span class={`badge state ${s.state}`} title={s.acknowledged_at ? `acknowledged at ${s.acknowledged_at}` : undefined}>
              {s.state === 'acknowledged' && s.acknowledged_at ? `ACK ${formatTime(s.acknowledged_at)}` : s.state.toUpperCase()}
            </span>
            <span class="ago" title={s.timestamp}>
              {formatTime(s.timestamp)} · {formatAgo(s.timestamp, now)}
            </span>
          </div>
          <div class="levels">
            <span>
              <i>E</i> {formatPrice(s.entry_price)}
            </span>
            <span class="sl">
              <i>SL</i> {formatPrice(s.stop_loss)}
            </span>
            <span class="tp">
              <i>TP</i> {formatPrice(s.take_profit)}
            </span>
            <span>
              <i>STR</i> {s.signal_strength.toFixed(1)}
            </span>
            <span>
              <i>RR</i> {s.metadata.risk_reward_ratio.toFixed(2)}
            </span>
          </div>
          {s.metadata.votes?.length ? (
            <table class="votes">
              <tbody>
                {s.metadata.votes.map((v) => (
                  <tr key={v.strategy} class={`vote ${v.direction.toLowerCase()}`}>
                    <td class="vs">{v.strategy}</td>
                    <td class="vd">{v.direction}</td>
                    <td class="vc">{v.confidence.toFixed(0)}</td>
                    {v.weight === undefined ? null : <td class="vw" title="weight under the adaptive consensus">{formatWeight(v.weight)}</td>}
                    <td class="vr">{v.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
