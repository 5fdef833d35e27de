import { applyDecorators, Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ACK_REQUEST_SCHEMA, ACK_RESPONSE_SCHEMA, ERROR_SCHEMA, HISTORY_SCHEMA, LATEST_SCHEMA, SIGNAL_LIST_SCHEMA } from '../docs/openapi-schemas';
import { ZodPipe } from '../http/zod.pipe';
import { SignalAckService } from './signal-ack.service';
import { SignalReadModel } from './signal-read-model.service';
import { AckBodySchema, ListQuerySchema, SymbolSchema, type AckBody, type ListQuery } from './signal-requests';
import { filteredListBody, latestBody } from './signal-responses';

const JSON_TYPE = 'application/json; charset=utf-8';

const ListQueryDocs = () =>
  applyDecorators(
    ApiQuery({ name: 'timeframe', required: false, example: '1m' }),
    ApiQuery({ name: 'limit', required: false, description: '1-500', example: 10 }),
  );

/**
 * The guide's REST contract. Static paths (`latest`, `history`, `acknowledge`) are matched before
 * `{symbol}` by the router regardless of order; they are declared first anyway for the reader.
 */
@ApiTags('signals')
@ApiSecurity('api-key')
@ApiBadRequestResponse({ schema: ERROR_SCHEMA })
@Controller('api/signals')
export class SignalsController {
  constructor(
    private readonly readModel: SignalReadModel,
    private readonly acks: SignalAckService,
  ) {}

  @Get()
  @Header('Content-Type', JSON_TYPE)
  @ApiOperation({ summary: 'Active signals, newest first' })
  @ApiOkResponse({ schema: SIGNAL_LIST_SCHEMA })
  @ListQueryDocs()
  list(@Query(new ZodPipe(ListQuerySchema)) query: ListQuery): string {
    this.readModel.assertReady();
    return filteredListBody(this.readModel.projection.active(), 'json', query);
  }

  @Get('latest')
  @Header('Content-Type', JSON_TYPE)
  @ApiOperation({ summary: 'The newest active signal, or null' })
  @ApiOkResponse({ schema: LATEST_SCHEMA })
  latest(): string {
    this.readModel.assertReady();
    return latestBody(this.readModel.projection.latest());
  }

  @Get('history')
  @Header('Content-Type', JSON_TYPE)
  @ApiOperation({ summary: 'The last 500 signals with their state (active, acknowledged, expired, superseded)' })
  @ApiOkResponse({ schema: HISTORY_SCHEMA })
  @ListQueryDocs()
  history(@Query(new ZodPipe(ListQuerySchema)) query: ListQuery): string {
    this.readModel.assertReady();
    return filteredListBody(this.readModel.projection.history(), 'historyJson', query);
  }

  @Post('acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark a signal as processed (by timestamp, as the guide sends, or by id)' })
  @ApiBody({ schema: ACK_REQUEST_SCHEMA })
  @ApiOkResponse({ schema: ACK_RESPONSE_SCHEMA })
  @ApiNotFoundResponse({ schema: ERROR_SCHEMA })
  async acknowledge(@Body(new ZodPipe(AckBodySchema)) body: AckBody): Promise<Record<string, unknown>> {
    const { record, acknowledgedAt, alreadyAcknowledged } = await this.acks.acknowledge(body);
    return {
      status: 'success',
      message: alreadyAcknowledged ? 'Signal was already acknowledged' : 'Signal acknowledged',
      signal_id: record.signal.id,
      timestamp: record.signal.timestamp,
      acknowledged_at: acknowledgedAt,
      ...(alreadyAcknowledged ? { already_acknowledged: true } : {}),
    };
  }

  @Get(':symbol')
  @Header('Content-Type', JSON_TYPE)
  @ApiOperation({ summary: 'Active signals of one symbol (case-insensitive), newest first' })
  @ApiParam({ name: 'symbol', example: 'ETHUSDT' })
  @ApiOkResponse({ schema: SIGNAL_LIST_SCHEMA })
  @ListQueryDocs()
  bySymbol(@Param('symbol', new ZodPipe(SymbolSchema)) symbol: string, @Query(new ZodPipe(ListQuerySchema)) query: ListQuery): string {
    this.readModel.assertReady();
    return filteredListBody(this.readModel.projection.active(), 'json', { ...query, symbol });
  }
}
