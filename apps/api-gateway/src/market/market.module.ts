import { Module } from '@nestjs/common';
import { MarketConsumer } from './market.consumer';
import { MarketController } from './market.controller';
import { MarketReadModel } from './market-read-model.service';

/** Recent candles per symbol from the `market` stream. Needs the global `GATEWAY_CONFIG` and `RedisConnections`. */
@Module({
  controllers: [MarketController],
  providers: [MarketReadModel, MarketConsumer],
  exports: [MarketConsumer],
})
export class MarketModule {}
