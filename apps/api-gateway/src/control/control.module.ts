import { Module } from '@nestjs/common';
import { SignalsModule } from '../signals/signals.module';
import { ControlController } from './control.controller';
import { ControlService } from './control.service';

/** The kill switch API; its state lives in the signals read model, which it gates. */
@Module({
  imports: [SignalsModule],
  controllers: [ControlController],
  providers: [ControlService],
})
export class ControlModule {}
