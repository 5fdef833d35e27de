import { Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { responseTimestamp } from '@app/contracts';
import { ZodPipe } from '../http/zod.pipe';
import { ManualCloseService } from './manual-close.service';
import { positionJson } from './position-json';
import {
  CLOSE_REQUESTS_DEFAULT,
  CloseRequestsQuerySchema,
  HISTORY_DEFAULT,
  HistoryQuerySchema,
  OpenQuerySchema,
  PositionIdSchema,
  type CloseRequestsQuery,
  type HistoryQuery,
  type OpenQuery,
} from './position-requests';
import { PositionsReadModel } from './positions-read-model.service';

/** Positions the position-closer tracks, and the early-exit instructions for ATAS. */
@ApiTags('positions')
@ApiSecurity('api-key')
@ApiBadRequestResponse({ description: '{status:"error", message}' })
@Controller('api/positions')
export class PositionsController {
  constructor(
    private readonly readModel: PositionsReadModel,
    private readonly manualClose: ManualCloseService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Open positions, newest first; ?symbol=' })
  @ApiQuery({ name: 'symbol', required: false, example: 'BTCUSDT' })
  @ApiOkResponse({ description: '{status:"success", count, positions:[...], timestamp}' })
  open(@Query(new ZodPipe(OpenQuerySchema)) query: OpenQuery): Record<string, unknown> {
    this.readModel.assertReady();
    const positions = this.readModel.positions.openPositions(query.symbol).map(positionJson);
    return { status: 'success', count: positions.length, positions, timestamp: responseTimestamp() };
  }

  @Get('history')
  @ApiOperation({ summary: `Closed positions, most recently closed first; ?symbol=, ?limit= (default ${HISTORY_DEFAULT}, at most 1000)` })
  @ApiQuery({ name: 'symbol', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiOkResponse({ description: '{status:"success", count, total, positions:[...], timestamp}' })
  history(@Query(new ZodPipe(HistoryQuerySchema)) query: HistoryQuery): Record<string, unknown> {
    this.readModel.assertReady();
    const projection = this.readModel.positions;
    const positions = projection.closedPositions(query.symbol, query.limit ?? HISTORY_DEFAULT).map(positionJson);
    return { status: 'success', count: positions.length, total: projection.closedCountOf(query.symbol), positions, timestamp: responseTimestamp() };
  }

  @Get('close-requests')
  @ApiOperation({
    summary:
      'Early-exit instructions for ATAS (opposite_signal, max_hold, manual), oldest first. Page with ?since=<id of the last one seen>; ' +
      `?since= also takes an ISO time; ?symbol=, ?limit= (default ${CLOSE_REQUESTS_DEFAULT}, at most 1000)`,
  })
  @ApiQuery({ name: 'since', required: false, example: '1732185045123-0' })
  @ApiQuery({ name: 'symbol', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiOkResponse({ description: '{status:"success", count, close_requests:[{id, position_id, symbol, direction, reason, ...}], last_id, timestamp}' })
  closeRequests(@Query(new ZodPipe(CloseRequestsQuerySchema)) query: CloseRequestsQuery): Record<string, unknown> {
    this.readModel.assertReady();
    const items = this.readModel.closeRequests.after(query.since, query.limit ?? CLOSE_REQUESTS_DEFAULT, query.symbol);
    // The id to pass as the next `since`: the last one returned, else the one given.
    const lastId = items.length ? items[items.length - 1].id : query.since && 'id' in query.since ? query.since.id : null;
    return { status: 'success', count: items.length, close_requests: items, last_id: lastId, timestamp: responseTimestamp() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One position, open or closed' })
  @ApiParam({ name: 'id', example: '1732185045123-0' })
  @ApiNotFoundResponse({ description: '{status:"error", message}' })
  one(@Param('id', new ZodPipe(PositionIdSchema)) id: string): Record<string, unknown> {
    this.readModel.assertReady();
    const position = this.readModel.positions.find(id);
    if (!position) throw new NotFoundException(`position ${id} not found`);
    return { status: 'success', position: positionJson(position), timestamp: responseTimestamp() };
  }

  @Post(':id/close')
  @HttpCode(202)
  @ApiOperation({ summary: 'Close an open position at the last price (reason manual); ATAS is told through close-requests' })
  @ApiParam({ name: 'id', example: '1732185045123-0' })
  @ApiAcceptedResponse({ description: '{status:"success", message, request_id, position_id, requested_at, timestamp}' })
  @ApiNotFoundResponse({ description: 'unknown or already closed position' })
  async close(@Param('id', new ZodPipe(PositionIdSchema)) id: string): Promise<Record<string, unknown>> {
    const accepted = await this.manualClose.request(id);
    return {
      status: 'success',
      message: 'close requested; the position-closer closes it at the last price',
      ...accepted,
      timestamp: responseTimestamp(),
    };
  }
}
