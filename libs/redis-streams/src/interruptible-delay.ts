/** A sleep that `wake()` ends early, so `close()` never waits out a reconnect backoff. */
export class InterruptibleDelay {
  private timer: NodeJS.Timeout | undefined;
  private resolve: (() => void) | undefined;

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }

  wake(): void {
    if (this.timer) clearTimeout(this.timer);
    this.resolve?.();
  }
}

/** 100 ms doubling to 5 s: fast recovery from a blip, no hammering of a Redis that is down. */
export function nextBackoff(current: number): number {
  return Math.min(current * 2, 5000);
}
