import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { responseTimestamp } from '@app/contracts';
import { ERROR_SCHEMA } from '../docs/openapi-schemas';
import { ZodPipe } from '../http/zod.pipe';
import { CANDLES_LIMIT_DEFAULT, CANDLES_LIMIT_MAX, CandlesQuerySchema, type CandlesQuery } from './market-requests';
import { MarketReadModel } from './market-read-model.service';

/** Recent closed candles from the `market` stream, for charts (the dashboard's). */
@ApiTags('market')
@ApiSecurity('api-key')
@ApiBadRequestResponse({ schema: ERROR_SCHEMA })
@Controller('api/market')
export class MarketController {
  constructor(private readonly readModel: MarketReadModel) {}

  @Get('candles')
  @ApiOperation({ summary: `The newest closed candles of a symbol, oldest first; ?symbol= (required), ?limit= (default ${CANDLES_LIMIT_DEFAULT}, at most ${CANDLES_LIMIT_MAX})` })
  @ApiQuery({ name: 'symbol', required: true, example: 'BTCUSDT' })
  @ApiQuery({ name: 'limit', required: false, example: 300 })
  @ApiOkResponse({ description: '{status:"success", symbol, count, candles:[{symbol, timeframe, open_time, close_time, open, high, low, close, volume}], timestamp}' })
  candles(@Query(new ZodPipe(CandlesQuerySchema)) query: CandlesQuery): Record<string, unknown> {
    this.readModel.assertReady();
    const candles = this.readModel.candles.last(query.symbol, query.limit ?? CANDLES_LIMIT_DEFAULT);
    return { status: 'success', symbol: query.symbol, count: candles.length, candles, timestamp: responseTimestamp() };
  }

  @Get('symbols')
  @ApiOperation({ summary: 'Every symbol with candles, with its newest close' })
  @ApiOkResponse({ description: '{status:"success", symbols:[{symbol, timeframe, close, close_time, candles}], timestamp}' })
  symbols(): Record<string, unknown> {
    this.readModel.assertReady();
    return { status: 'success', symbols: this.readModel.candles.symbols(), timestamp: responseTimestamp() };
  }
}
