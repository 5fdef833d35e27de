import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';
import { CandleWindow } from './candle-window';

/** This replica's recent candles per symbol (from the `market` stream), for the dashboard's chart. */
@Injectable()
export class MarketReadModel {
  readonly candles: CandleWindow;
  private loaded = false;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.candles = new CandleWindow(config.market.candlesPerSymbol);
  }

  get ready(): boolean {
    return this.loaded;
  }

  markLoaded(): void {
    this.loaded = true;
  }

  assertReady(): void {
    if (!this.loaded) throw new ServiceUnavailableException('candles are still loading from Redis; retry shortly');
  }
}
