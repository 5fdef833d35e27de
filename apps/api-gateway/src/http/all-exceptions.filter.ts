import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { getLogger } from '@app/observability';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';
import { JSON_CONTENT_TYPE } from './error-body';
import { toErrorReply } from './error-message';

/** Every error leaves as `{status:"error", message}`: never a stack trace, never HTML. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly log = getLogger('http');

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const contentType = http.getRequest<FastifyRequest | undefined>()?.headers['content-type'];
    const { status, message } = toErrorReply(err, { bodyLimitBytes: this.config.http.bodyLimitBytes, contentType });
    if (status >= 500) this.log.error({ err }, 'request failed');
    // A hijacked SSE response has already started: there is nothing left to tell the client.
    if (reply.sent || reply.raw.headersSent) return;
    void reply.status(status).header('Content-Type', JSON_CONTENT_TYPE).send({ status: 'error', message });
  }
}
