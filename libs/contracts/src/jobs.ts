import type { QUEUES } from './names';
import type { ControlEvent } from './control.schema';
import type { ManualCloseJob, PositionClosedEvent } from './position.schema';
import type { NewSignal } from './signal.schema';

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

/** Payload of a `position-max-hold` job; the job id is the position id too, so one job per position. */
export interface MaxHoldJob {
  position_id: string;
}

/**
 * Every BullMQ job payload, by queue: what a producer may add and a worker receives. Stored as
 * JSON in Redis while queued, so fields are only ever added. `ManualCloseJob` is a zod schema
 * (position.schema.ts) because it crosses services and is validated on receipt.
 */
export interface JobPayloads {
  [QUEUES.telegram]: NotificationJob;
  [QUEUES.maxHold]: MaxHoldJob;
  [QUEUES.manualClose]: ManualCloseJob;
}

/** One job of any queue, discriminated by `queue`. */
export type QueueJob = { [Q in keyof JobPayloads]: { queue: Q; data: JobPayloads[Q] } }[keyof JobPayloads];
