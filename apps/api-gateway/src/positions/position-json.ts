import type { PositionEvent } from '@app/contracts';

/** A position as the API shows it: the event's fields without `type`, with `status`. */
export function positionJson(p: PositionEvent): Record<string, unknown> {
  const { type, ...fields } = p;
  return { status: type === 'opened' ? 'open' : 'closed', ...fields };
}
