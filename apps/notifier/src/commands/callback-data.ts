import { z } from 'zod';

/** The views a refresh button re-reads. */
export const VIEWS = ['status', 'signals', 'positions', 'performance'] as const;
export type View = (typeof VIEWS)[number];

/** Position ids are stream ids: short enough for Telegram's 64-byte callback_data. */
export const PositionIdSchema = z.string().regex(/^\d{1,20}-\d{1,20}$/, 'a position id looks like 1732185045123-0 (see /positions)');

/** What an inline button asks for. Encoded as short strings: Telegram caps callback_data at 64 bytes. */
export type ButtonAction =
  /** Re-read a view and edit the message in place. */
  | { kind: 'refresh'; view: View }
  /** The flatten prompt's confirm button. */
  | { kind: 'flatten' }
  /** A close button under /positions: ask to confirm first. */
  | { kind: 'close_ask'; positionId: string }
  /** The close prompt's confirm button. */
  | { kind: 'close'; positionId: string }
  /** Any prompt's cancel button. */
  | { kind: 'cancel' };

export function encodeAction(a: ButtonAction): string {
  switch (a.kind) {
    case 'refresh':
      return `r:${a.view}`;
    case 'flatten':
      return 'flatten';
    case 'close_ask':
      return `ca:${a.positionId}`;
    case 'close':
      return `c:${a.positionId}`;
    case 'cancel':
      return 'cancel';
  }
}

/** Undefined for anything we did not encode (an old bot's buttons, a forged query). */
export function decodeAction(data: string | undefined): ButtonAction | undefined {
  if (!data) return undefined;
  if (data === 'flatten') return { kind: 'flatten' };
  if (data === 'cancel') return { kind: 'cancel' };
  const [prefix, arg] = [data.slice(0, data.indexOf(':')), data.slice(data.indexOf(':') + 1)];
  if (prefix === 'r') return (VIEWS as readonly string[]).includes(arg) ? { kind: 'refresh', view: arg as View } : undefined;
  if ((prefix === 'c' || prefix === 'ca') && PositionIdSchema.safeParse(arg).success) return { kind: prefix === 'c' ? 'close' : 'close_ask', positionId: arg };
  return undefined;
}
