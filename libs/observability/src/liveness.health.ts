import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';

/** Anything with a liveness flag: stream readers, consumer groups, market feeds. */
export interface Liveness {
  /** Doing its job now (connected, reading): what a readiness check asks. */
  isLive(): boolean;
  /** Extra detail for the health response (last id, age of last read, ...). */
  describe?(): Record<string, unknown>;
}

/**
 * A loop a liveness probe watches. Running means the loop goes on, including while it waits for
 * Redis to come back: a restart would not bring Redis back, so an outage must not fail it.
 */
export interface Running {
  isRunning(): boolean;
  describe?(): Record<string, unknown>;
}

@Injectable()
export class LivenessHealthIndicator {
  constructor(private readonly health: HealthIndicatorService) {}

  /** Up while `target` is live (readiness). */
  check(key: string, target: Liveness): HealthIndicatorResult {
    const indicator = this.health.check(key);
    const detail = target.describe?.() ?? {};
    return target.isLive() ? indicator.up(detail) : indicator.down(detail);
  }

  /** Up while `target`'s loop runs (liveness); never asks Redis anything. */
  checkRunning(key: string, target: Running): HealthIndicatorResult {
    const indicator = this.health.check(key);
    const detail = target.describe?.() ?? {};
    return target.isRunning() ? indicator.up(detail) : indicator.down(detail);
  }
}
