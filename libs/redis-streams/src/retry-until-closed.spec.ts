import { InterruptibleDelay } from './interruptible-delay';
import { retryUntilClosed } from './retry-until-closed';

describe('retryUntilClosed', () => {
  it('retries a failing attempt with a doubling backoff until it succeeds', async () => {
    let calls = 0;
    const waits: number[] = [];
    await retryUntilClosed(
      async () => {
        if (++calls < 4) throw new Error(`down ${calls}`);
      },
      { isClosing: () => false, delay: new InterruptibleDelay(), onError: (_err, ms) => waits.push(ms) },
    );
    expect(calls).toBe(4);
    expect(waits).toEqual([100, 200, 400]);
  });

  it('stops when the owner closes: a wake() ends the wait and no further attempt is made', async () => {
    // Fake timers: the backoff can only end through wake(); a broken wake() leaves `run` pending.
    jest.useFakeTimers();
    let closing = false;
    let calls = 0;
    const delay = new InterruptibleDelay();
    const run = retryUntilClosed(
      () => {
        calls++;
        return Promise.reject(new Error('down'));
      },
      { isClosing: () => closing, delay, onError: () => undefined },
    );
    await Promise.resolve();
    closing = true;
    delay.wake();
    await run;
    expect(calls).toBe(1);
    jest.useRealTimers();
  });
});
