import { int, positive } from './env-helpers';

/**
 * How long BullMQ keeps the records of finished jobs, for every service that adds jobs (the
 * notifier's `telegram`, the closer's max-hold, the gateway's manual-close): by age and by count,
 * whichever is reached first, so the queues' Redis keys stay bounded whatever the signal rate.
 */
export const jobRetentionEnvShape = {
  /** Completed jobs are deleted after this many hours (fractions allowed). Default 1. */
  JOBS_KEEP_COMPLETED_HOURS: positive().default(1),
  /** ...and beyond the newest this many. Default 5000. */
  JOBS_KEEP_COMPLETED: int(0, 10_000_000).default(5000),
  /** Failed jobs (retries exhausted), kept longer for inspection: hours. Default 168 (7 days). */
  JOBS_KEEP_FAILED_HOURS: positive().default(168),
  /** ...and beyond the newest this many. Default 10000. */
  JOBS_KEEP_FAILED: int(0, 10_000_000).default(10_000),
};

/** BullMQ's `removeOnComplete` / `removeOnFail` (KeepJobs: `age` in seconds). */
export interface JobRetention {
  removeOnComplete: { age: number; count: number };
  removeOnFail: { age: number; count: number };
}

export function jobRetentionFromEnv(e: { JOBS_KEEP_COMPLETED_HOURS: number; JOBS_KEEP_COMPLETED: number; JOBS_KEEP_FAILED_HOURS: number; JOBS_KEEP_FAILED: number }): JobRetention {
  return {
    removeOnComplete: { age: Math.round(e.JOBS_KEEP_COMPLETED_HOURS * 3600), count: e.JOBS_KEEP_COMPLETED },
    removeOnFail: { age: Math.round(e.JOBS_KEEP_FAILED_HOURS * 3600), count: e.JOBS_KEEP_FAILED },
  };
}
