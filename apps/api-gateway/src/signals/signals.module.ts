import { Module } from '@nestjs/common';
import { DeliveryLatency } from '../latency/delivery-latency';
import { AckPruner } from './ack-pruner';
import { SignalAckService } from './signal-ack.service';
import { SignalFeed } from './signal-feed';
import { SignalReadModel } from './signal-read-model.service';
import { SignalsConsumer } from './signals.consumer';
import { SignalsController } from './signals.controller';

/** The read model of the `signals` stream and its REST endpoints (SSE is SseModule, on top of this one). */
@Module({
  controllers: [SignalsController],
  providers: [DeliveryLatency, SignalFeed, SignalReadModel, SignalsConsumer, SignalAckService, AckPruner],
  exports: [DeliveryLatency, SignalFeed, SignalReadModel, SignalsConsumer],
})
export class SignalsModule {}
