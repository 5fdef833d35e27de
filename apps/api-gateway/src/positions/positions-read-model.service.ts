import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';
import { CloseRequestLog } from './close-request-log';
import { PositionProjection } from './position-projection';

/** This replica's in-memory view of positions and close requests, served by the controllers. */
@Injectable()
export class PositionsReadModel {
  private projection: PositionProjection;
  private requests: CloseRequestLog;
  private loaded = false;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.projection = this.newProjection();
    this.requests = new CloseRequestLog();
  }

  get positions(): PositionProjection {
    return this.projection;
  }

  get closeRequests(): CloseRequestLog {
    return this.requests;
  }

  get ready(): boolean {
    return this.loaded;
  }

  /**
   * Empties the view before a rebuild: one that failed halfway and is retried starts over, so the
   * history keeps the stream order its cap relies on.
   */
  reset(): void {
    this.projection = this.newProjection();
    this.requests = new CloseRequestLog();
  }

  markLoaded(): void {
    this.loaded = true;
  }

  /** 503 until the first rebuild from Redis is done: lists would otherwise be wrongly empty. */
  assertReady(): void {
    if (!this.loaded) throw new ServiceUnavailableException('positions are still loading from Redis; retry shortly');
  }

  private newProjection(): PositionProjection {
    return new PositionProjection(this.config.costs, this.config.positions.historyMax);
  }
}
