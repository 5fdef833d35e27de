import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { responseTimestamp, type ControlState } from '@app/contracts';
import { ERROR_SCHEMA } from '../docs/openapi-schemas';
import { ZodPipe } from '../http/zod.pipe';
import { CONTROL_ACTIONS, ControlActionSchema, ControlBodySchema, type ControlAction, type ControlBody } from './control-requests';
import { ControlService } from './control.service';

/** The kill switch: `paused` and `flatten` keep every signal from being served as active. */
@ApiTags('control')
@ApiSecurity('api-key')
@ApiBadRequestResponse({ schema: ERROR_SCHEMA })
@Controller('api/control')
export class ControlController {
  constructor(private readonly control: ControlService) {}

  @Get()
  @ApiOperation({ summary: 'The kill switch: trading enabled, paused or flatten, since when and by whom' })
  @ApiOkResponse({ description: '{status, trading, since, by, timestamp}' })
  get(): Record<string, unknown> {
    return body(this.control.current());
  }

  @Post(':action')
  @HttpCode(200)
  @ApiOperation({ summary: 'pause (no signal served as active), resume, or flatten (paused, and ATAS closes what it holds)' })
  @ApiParam({ name: 'action', enum: ['pause', 'resume', 'flatten'] })
  @ApiOkResponse({ description: '{status, trading, since, by, changed, timestamp}' })
  async set(
    @Param('action', new ZodPipe(ControlActionSchema)) action: ControlAction,
    @Body(new ZodPipe(ControlBodySchema)) input: ControlBody,
    @Req() req: FastifyRequest,
  ): Promise<Record<string, unknown>> {
    const { state, changed } = await this.control.set(CONTROL_ACTIONS[action], input?.by ?? req.ip);
    return { ...body(state), changed };
  }
}

function body(state: ControlState): Record<string, unknown> {
  return { status: 'success', trading: state.trading, since: state.since, by: state.by, timestamp: responseTimestamp() };
}
