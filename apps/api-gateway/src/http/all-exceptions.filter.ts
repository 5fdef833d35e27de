import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { getLogger } from '@app/observability';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';
import { JSON_CONTENT_TYPE } from './error-body';
import { toErrorReply } from './error-message';

/**
 * Answers `err` as `{status:"error", message}`. The exception filter below uses it for Nest's
 * routes; the routes Fastify serves alone (signal-reads.routes.ts) use it as their error handler.
 */
export function sendErrorReply(err: unknown, request: FastifyRequest | undefined, reply: FastifyReply, bodyLimitBytes: number): void {
  const { status, message } = toErrorReply(err, { bodyLimitBytes, contentType: request?.headers['content-type'] });
  if (status >= 500) getLogger('http').error({ err }, 'request failed');
  // A hijacked SSE response has already started: there is nothing left to tell the client.
  if (reply.sent || reply.raw.headersSent) return;
  void reply.status(status).header('Content-Type', JSON_CONTENT_TYPE).send({ status: 'error', message });
}

/** Every error leaves as `{status:"error", message}`: never a stack trace, never HTML. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendErrorReply(err, http.getRequest<FastifyRequest | undefined>(), http.getResponse<FastifyReply>(), this.config.http.bodyLimitBytes);
  }
}
