import type { NewSignal, Signal } from '@app/contracts';

/**
 * A signal as every endpoint and SSE event shows it: the guide's fields in the producer's order,
 * then `id`. REST items and SSE catch-up events both go through here, so they are byte-identical.
 */
export function toSignal(id: string, payload: NewSignal): Signal {
  return { ...payload, id };
}
