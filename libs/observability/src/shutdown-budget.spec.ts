import { beginShutdown, isShuttingDown, SHUTDOWN_STEPS_MS, stepWithinShutdown } from './shutdown-budget';

describe('stepWithinShutdown', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('waits for a step that finishes, and goes on after one that fails', async () => {
    await expect(stepWithinShutdown('ok', Promise.resolve())).resolves.toBeUndefined();
    await expect(stepWithinShutdown('failing', Promise.reject(new Error('Connection is closed')))).resolves.toBeUndefined();
  });

  it('stops waiting for a step that never finishes at the deadline the first signal set, shared by every step', async () => {
    const never = new Promise<void>(() => undefined);
    const start = Date.now();
    expect(isShuttingDown()).toBe(false);
    beginShutdown(start);
    expect(isShuttingDown()).toBe(true);
    let first = false;
    let second = false;
    void stepWithinShutdown('hung loop', never).then(() => (first = true));
    await jest.advanceTimersByTimeAsync(SHUTDOWN_STEPS_MS - 1000);
    expect(first).toBe(false);
    // A later step only gets what is left of the same budget, not a budget of its own.
    void stepWithinShutdown('hung queue', never).then(() => (second = true));
    await jest.advanceTimersByTimeAsync(1000);
    expect({ first, second }).toEqual({ first: true, second: true });
  });
});
