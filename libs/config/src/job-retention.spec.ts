import { z } from 'zod';
import { jobRetentionEnvShape, jobRetentionFromEnv } from './job-retention';

describe('job retention settings', () => {
  const load = (env: Record<string, string>) => jobRetentionFromEnv(z.object(jobRetentionEnvShape).parse(env));

  it('keeps completed jobs 1 h (5000 at most) and failed ones 7 days (10,000 at most) by default', () => {
    expect(load({})).toEqual({ removeOnComplete: { age: 3600, count: 5000 }, removeOnFail: { age: 604_800, count: 10_000 } });
  });

  it('takes hours with fractions and counts, in the shape BullMQ reads (age in seconds)', () => {
    expect(load({ JOBS_KEEP_COMPLETED_HOURS: '0.5', JOBS_KEEP_COMPLETED: '0', JOBS_KEEP_FAILED_HOURS: '24', JOBS_KEEP_FAILED: '100' })).toEqual({
      removeOnComplete: { age: 1800, count: 0 },
      removeOnFail: { age: 86_400, count: 100 },
    });
    expect(() => load({ JOBS_KEEP_FAILED: '-1' })).toThrow();
  });
});
