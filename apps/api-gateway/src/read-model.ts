import { ServiceUnavailableException } from '@nestjs/common';
import type { LoadableModel } from '@app/redis-streams';

/**
 * Base of the gateway's read models: empty until their consumer's first rebuild from Redis has
 * finished (it marks them loaded), and until then their endpoints answer 503 rather than lists
 * that would be wrongly empty.
 */
export abstract class ReadModel implements LoadableModel {
  private loaded = false;

  /** @param what what the 503 says is loading: `signals`, `positions`, `candles`. */
  protected constructor(private readonly what: string) {}

  get ready(): boolean {
    return this.loaded;
  }

  markLoaded(): void {
    this.loaded = true;
  }

  /** Throws 503 while the first rebuild is still running. */
  assertReady(): void {
    if (!this.loaded) throw new ServiceUnavailableException(`${this.what} are still loading from Redis; retry shortly`);
  }
}
