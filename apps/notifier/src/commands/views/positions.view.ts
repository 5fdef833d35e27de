import { rMultiple } from '@app/trading';
import { field } from '../../telegram/html';
import { formatDuration, formatPrice, formatR } from '../../telegram/number-format';
import { sourceTag } from '../../telegram/source-tag';
import type { OpenPosition, SymbolPrice } from './gateway-replies';
import { asOf, DIRECTION_EMOJI } from './view-text';

/** Positions listed with a close button each (Telegram allows 100 buttons; a chat wants few). */
export const POSITIONS_SHOWN = 8;

/** `/positions`: open positions with their R at the last candle close, and the id /close takes. */
export function positionsView(positions: readonly OpenPosition[], prices: readonly SymbolPrice[], now: Date): string {
  const lines = [`📂 <b>Open positions</b> (${positions.length})`];
  if (!positions.length) lines.push('No open position.');
  for (const p of positions.slice(0, POSITIONS_SHOWN)) {
    const tag = sourceTag({ metadata: { source: p.source } });
    const last = prices.find((x) => x.symbol === p.symbol);
    const r = last ? ` · last <code>${formatPrice(last.close)}</code> (${formatR(rMultiple(p.direction, p.entry_price, p.stop_loss, last.close))})` : '';
    const held = formatDuration(Math.max(0, now.getTime() - Date.parse(p.opened_at)) / 1000);
    lines.push(
      `${DIRECTION_EMOJI[p.direction]} <b>${p.direction} ${field(p.symbol, 20)}</b>${tag ? ` · <b>${tag}</b>` : ''} · held ${held}`,
      `   entry <code>${formatPrice(p.entry_price)}</code> · SL <code>${formatPrice(p.stop_loss)}</code> · TP <code>${formatPrice(p.take_profit)}</code>${r}`,
      `   <code>/close ${field(p.position_id, 40)}</code>`,
    );
  }
  if (positions.length > POSITIONS_SHOWN) lines.push(`… and ${positions.length - POSITIONS_SHOWN} more`);
  lines.push(asOf(now));
  return lines.join('\n');
}
