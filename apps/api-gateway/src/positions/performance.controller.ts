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
  @ApiOperation({ summary: 'Win rate, profit factor, average R of closed positions, before and after costs: overall, by strategy, symbol and direction' })
  @ApiOkResponse({ description: '{status:"success", costs, overall, by_strategy, by_symbol, by_direction, open_positions, timestamp}; each group has the gross figures and beside them net_* after fees and slippage' })
  performance(): Record<string, unknown> {
    this.readModel.assertReady();
    return { status: 'success', ...this.readModel.positions.performance(), open_positions: this.readModel.positions.openCount, timestamp: responseTimestamp() };
  }
}
