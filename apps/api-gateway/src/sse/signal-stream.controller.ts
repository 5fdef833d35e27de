import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import { getLogger } from '@app/observability';
import { RedisConnections } from '@app/redis-streams';
import { ZodPipe } from '../http/zod.pipe';
import { SignalReadModel } from '../signals/signal-read-model.service';
import { LastEventIdSchema, StreamQuerySchema, type StreamQuery } from '../signals/signal-requests';
import { signalsAfter } from './signal-catch-up';
import { compactHeaderBlock } from './compact-header';
import { SseHub } from './sse-hub.service';

const lastEventIdPipe = new ZodPipe(LastEventIdSchema);

@ApiTags('signals')
@ApiSecurity('api-key')
@Controller('api/signals')
export class SignalStreamController {
  private readonly log = getLogger('sse');

  constructor(
    private readonly hub: SseHub,
    private readonly readModel: SignalReadModel,
    private readonly connections: RedisConnections,
  ) {}

  @Get('stream')
  @ApiOperation({
    summary: 'Server-sent events: `signal` (with id), `ack` and `control` (kill switch, also on connect) events, heartbeats; resume with Last-Event-ID or ?since=',
  })
  @ApiProduces('text/event-stream')
  @ApiQuery({ name: 'symbol', required: false, example: 'BTCUSDT' })
  @ApiQuery({ name: 'since', required: false, description: 'Resume after this signal id (as the Last-Event-ID header)' })
  @ApiOkResponse({ description: 'An endless text/event-stream' })
  async stream(
    @Res() reply: FastifyReply,
    @Query(new ZodPipe(StreamQuerySchema)) query: StreamQuery,
    @Headers('last-event-id') lastEventIdHeader: unknown,
    @Req() { method }: FastifyRequest,
  ): Promise<void> {
    this.readModel.assertReady();
    const since = lastEventIdPipe.transform(lastEventIdHeader === '' ? undefined : lastEventIdHeader) ?? query.since;
    const headers: OutgoingHttpHeaders = {
      // Set by the hooks (security headers, CORS): a hijacked response would otherwise drop them.
      ...(reply.getHeaders() as OutgoingHttpHeaders),
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    };
    // HEAD asks for the headers only: answering it with an endless stream would never end it.
    if (method === 'HEAD') {
      void reply.headers(headers).code(200).send();
      return;
    }
    // Past this point Fastify no longer owns the response: we write the stream ourselves.
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, headers);
    compactHeaderBlock(res);
    res.socket?.setNoDelay(true);
    const client = this.hub.connect(res, query.symbol, this.readModel.control, since);
    if (since !== undefined) {
      try {
        const projection = this.readModel.projection;
        // Paused in history, or newer than the read model knows while the switch is off.
        const held = (id: string) => {
          const record = projection.find({ id });
          return record ? record.state === 'paused' : projection.isPaused;
        };
        await client.catchUp(signalsAfter(this.connections.command, since, held));
      } catch (err) {
        this.log.warn({ err: err instanceof Error ? err.message : String(err), since }, 'SSE catch-up failed; closing so the client retries');
        client.end();
        return;
      }
    }
    client.goLive();
  }
}
