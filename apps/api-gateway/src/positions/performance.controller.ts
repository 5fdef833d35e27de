import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { responseTimestamp } from '@app/contracts';
import { PositionsReadModel } from './positions-read-model.service';

@ApiTags('positions')
@ApiSecurity('api-key')
@Controller('api/performance')
export class PerformanceController {
  constructor(private readonly readModel: PositionsReadModel) {}

  @Get()
  @ApiOperation({ summary: 'Win rate, profit factor, average R of closed positions: overall, by strategy, symbol and direction' })
  @ApiOkResponse({ description: '{status:"success", overall, by_strategy, by_symbol, by_direction, timestamp}' })
  performance(): Record<string, unknown> {
    this.readModel.assertReady();
    return { status: 'success', ...this.readModel.positions.performance(), open_positions: this.readModel.positions.openCount, timestamp: responseTimestamp() };
  }
}
