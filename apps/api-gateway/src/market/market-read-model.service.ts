import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '../config';
import { ReadModel } from '../read-model';
import { GATEWAY_CONFIG } from '../tokens';
import { CandleWindow } from './candle-window';

/** This replica's recent candles per symbol (from the `market` stream), for the dashboard's chart. */
@Injectable()
export class MarketReadModel extends ReadModel {
  readonly candles: CandleWindow;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    super('candles');
    this.candles = new CandleWindow(config.market.candlesPerSymbol);
  }
}
