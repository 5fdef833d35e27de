import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';

/** Anything with a liveness flag: stream readers, consumer groups, market feeds. */
export interface Liveness {
  isLive(): boolean;
  /** Extra detail for the health response (last id, age of last read, ...). */
  describe?(): Record<string, unknown>;
}

@Injectable()
export class LivenessHealthIndicator {
  constructor(private readonly health: HealthIndicatorService) {}

  check(key: string, target: Liveness): HealthIndicatorResult {
    const indicator = this.health.check(key);
    const detail = target.describe?.() ?? {};
    return target.isLive() ? indicator.up(detail) : indicator.down(detail);
  }
}
