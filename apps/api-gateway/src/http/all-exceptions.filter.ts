import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { getLogger } from '@app/observability';
import { toErrorReply } from './error-message';

/** Every error leaves as `{status:"error", message}`: never a stack trace, never HTML. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly log = getLogger('http');

  catch(err: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, message } = toErrorReply(err);
    if (status >= 500) this.log.error({ err }, 'request failed');
    // A hijacked SSE response has already started: there is nothing left to tell the client.
    if (reply.sent || reply.raw.headersSent) return;
    void reply.status(status).header('Content-Type', 'application/json; charset=utf-8').send({ status: 'error', message });
  }
}
