import { InlineKeyboard } from 'grammy';
import { encodeAction, type View } from './callback-data';
import type { OpenPosition } from './views/gateway-replies';
import { POSITIONS_SHOWN } from './views/positions.view';

/** Under every view: read it again in place (freqtrade's 🔄 on /status, /profit...). */
export function refreshKeyboard(view: View): InlineKeyboard {
  return new InlineKeyboard().text('🔄 Refresh', encodeAction({ kind: 'refresh', view }));
}

/** Under /positions: refresh, and a close button per listed position (each asks to confirm). */
export function positionsKeyboard(positions: readonly OpenPosition[]): InlineKeyboard {
  const kb = refreshKeyboard('positions');
  for (const p of positions.slice(0, POSITIONS_SHOWN)) kb.row().text(`✖ Close ${p.direction} ${p.symbol}`, encodeAction({ kind: 'close_ask', positionId: p.position_id }));
  return kb;
}

/** A destructive action needs a second tap. */
export function confirmFlattenKeyboard(): InlineKeyboard {
  return new InlineKeyboard().text('🛑 Yes, flatten all', encodeAction({ kind: 'flatten' })).text('Cancel', encodeAction({ kind: 'cancel' }));
}

export function confirmCloseKeyboard(positionId: string): InlineKeyboard {
  return new InlineKeyboard().text('✖ Yes, close it', encodeAction({ kind: 'close', positionId })).text('Cancel', encodeAction({ kind: 'cancel' }));
}
