import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';
import { CloseRequestLog } from './close-request-log';
import { PositionProjection } from './position-projection';

/** This replica's in-memory view of positions and close requests, served by the controllers. */
@Injectable()
export class PositionsReadModel {
  readonly positions: PositionProjection;
  readonly closeRequests = new CloseRequestLog();
  private loaded = false;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.positions = new PositionProjection(config.costs);
  }

  get ready(): boolean {
    return this.loaded;
  }

  markLoaded(): void {
    this.loaded = true;
  }

  /** 503 until the first rebuild from Redis is done: lists would otherwise be wrongly empty. */
  assertReady(): void {
    if (!this.loaded) throw new ServiceUnavailableException('positions are still loading from Redis; retry shortly');
  }
}
