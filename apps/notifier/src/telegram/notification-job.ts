import type { ControlEvent, NewSignal, PositionClosedEvent } from '@app/contracts';

/**
 * One event to tell every chat about: the data of a `telegram` job and of an outbox item (both
 * stored as JSON in Redis, so add fields, never rename them). `entry_id` is the stream entry id.
 */
export type NotificationJob =
  | { kind: 'signal'; entry_id: string; signal: NewSignal }
  | { kind: 'position_closed'; entry_id: string; event: PositionClosedEvent }
  /** A kill switch change (pause, resume, flatten) from the `control` stream. */
  | { kind: 'control'; entry_id: string; event: ControlEvent };

export type NotificationKind = NotificationJob['kind'];

/**
 * The BullMQ job id of a stream entry: a redelivered entry maps to the same id, so BullMQ adds no
 * second job. Stream ids hold only digits and `-`; BullMQ refuses `:` in custom ids.
 */
export function jobIdFor(stream: string, entryId: string): string {
  return `${stream}-${entryId}`;
}
