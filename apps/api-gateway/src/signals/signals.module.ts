import { Module } from '@nestjs/common';
import { DeliveryLatency } from '../latency/delivery-latency';
import { SignalStreamController } from '../sse/signal-stream.controller';
import { SseHub } from '../sse/sse-hub.service';
import { SignalAckService } from './signal-ack.service';
import { SignalFeed } from './signal-feed';
import { SignalReadModel } from './signal-read-model.service';
import { SignalsConsumer } from './signals.consumer';
import { SignalsController } from './signals.controller';

/** The read model of the `signals` stream and everything that serves it: REST and SSE. */
@Module({
  controllers: [SignalStreamController, SignalsController],
  providers: [DeliveryLatency, SignalFeed, SignalReadModel, SignalsConsumer, SignalAckService, SseHub],
  exports: [DeliveryLatency, SignalFeed, SignalReadModel, SignalsConsumer, SseHub],
})
export class SignalsModule {}
