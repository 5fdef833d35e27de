import { Module } from '@nestjs/common';
import { SignalsModule } from '../signals/signals.module';
import { SignalStreamController } from './signal-stream.controller';
import { SseHub } from './sse-hub.service';

/** Server-sent events over the signals read model: `GET /api/signals/stream` and its hub. */
@Module({
  imports: [SignalsModule],
  controllers: [SignalStreamController],
  providers: [SseHub],
  exports: [SseHub],
})
export class SseModule {}
