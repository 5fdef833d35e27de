import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ACK_REQUEST_SCHEMA, ACK_RESPONSE_SCHEMA, ERROR_SCHEMA, SIGNAL_LIST_SCHEMA } from '../docs/openapi-schemas';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { preparedReply } from '../http/prepared-body';
import { ZodPipe } from '../http/zod.pipe';
import { SignalAckService } from './signal-ack.service';
import { SignalReadModel } from './signal-read-model.service';
import { AckBodySchema, ListQuerySchema, SymbolSchema, type AckBody, type ListQuery } from './signal-requests';
import { SignalBodies } from './signal-responses';

const ListQueryDocs = () =>
  applyDecorators(
    ApiQuery({ name: 'timeframe', required: false, example: '1m' }),
    ApiQuery({ name: 'limit', required: false, description: '1-500', example: 10 }),
  );

/**
 * The guide's REST contract, apart from the three polled GETs (`/api/signals`, `/latest`,
 * `/history`), which signal-reads.routes.ts serves without Nest. Static paths are matched before
 * `{symbol}` by the router regardless of order.
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

  private readonly bodies = new SignalBodies();

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
  @ApiOperation({ summary: 'Active signals of one symbol (case-insensitive), newest first' })
  @ApiParam({ name: 'symbol', example: 'ETHUSDT' })
  @ApiOkResponse({ schema: SIGNAL_LIST_SCHEMA })
  @ListQueryDocs()
  bySymbol(
    @Param('symbol', new ZodPipe(SymbolSchema)) symbol: string,
    @Query(new ZodPipe(ListQuerySchema)) query: ListQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    this.readModel.assertReady();
    return preparedReply(req, reply, this.bodies.activeList(this.readModel.projection.active(), { ...query, symbol }));
  }
}
