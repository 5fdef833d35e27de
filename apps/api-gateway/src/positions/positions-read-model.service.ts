import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '../config';
import { ReadModel } from '../read-model';
import { GATEWAY_CONFIG } from '../tokens';
import { CloseRequestLog } from './close-request-log';
import { PositionProjection } from './position-projection';

/** This replica's in-memory view of positions and close requests, served by the controllers. */
@Injectable()
export class PositionsReadModel extends ReadModel {
  private projection: PositionProjection;
  private requests: CloseRequestLog;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    super('positions');
    this.projection = this.newProjection();
    this.requests = new CloseRequestLog(this.config.positions.closeRequestsMax);
  }

  get positions(): PositionProjection {
    return this.projection;
  }

  get closeRequests(): CloseRequestLog {
    return this.requests;
  }

  /**
   * Empties the view before a rebuild: one that failed halfway and is retried starts over, so the
   * history keeps the stream order its cap relies on.
   */
  reset(): void {
    this.projection = this.newProjection();
    this.requests = new CloseRequestLog(this.config.positions.closeRequestsMax);
  }

  private newProjection(): PositionProjection {
    return new PositionProjection(this.config.costs, this.config.positions.historyMax);
  }
}
