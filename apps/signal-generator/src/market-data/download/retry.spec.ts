import { withRetry } from './retry';

const noSleep = async () => undefined;

describe('withRetry', () => {
  it('tries again after a retryable error and returns the later success', async () => {
    const retries: number[] = [];
    const result = await withRetry(
      async (attempt) => {
        if (attempt < 2) throw new Error('socket hang up');
        return 'ok';
      },
      { retries: 3, isRetryable: () => true, onRetry: (_e, n) => retries.push(n), sleep: noSleep },
    );
    expect(result).toBe('ok');
    expect(retries).toEqual([1, 2]);
  });

  it('throws the last error once the retries are spent', async () => {
    let calls = 0;
    const run = withRetry(async () => {
      calls++;
      throw new Error(`failure ${calls}`);
    }, { retries: 2, isRetryable: () => true, sleep: noSleep });
    await expect(run).rejects.toThrow('failure 3');
    expect(calls).toBe(3);
  });

  it('does not retry an error that is not transient', async () => {
    let calls = 0;
    const run = withRetry(async () => {
      calls++;
      throw new Error('404');
    }, { retries: 5, isRetryable: () => false, sleep: noSleep });
    await expect(run).rejects.toThrow('404');
    expect(calls).toBe(1);
  });
});
