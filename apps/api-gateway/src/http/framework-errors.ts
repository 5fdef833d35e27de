import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody, JSON_CONTENT_TYPE } from './error-body';

/** Longest path segment the router matches (Fastify's `maxParamLength`); longer ones get 414. */
export const MAX_PARAM_LENGTH = 100;

/**
 * Fastify's `frameworkErrors`: what its router rejects before any hook or filter runs (a path
 * that is not valid percent-encoded UTF-8, a path segment over `maxParamLength`), answered in the
 * contract's shape instead of Fastify's own body.
 */
export function contractFrameworkErrors(err: Error & { code?: string }, _request: FastifyRequest, reply: FastifyReply): void {
  const [status, message] =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? [414, `request URL has a path segment longer than ${MAX_PARAM_LENGTH} characters`]
      : err.code === 'FST_ERR_BAD_URL'
        ? [400, 'request URL is not valid percent-encoding: each % must start a %XX escape of UTF-8']
        : [400, 'request could not be routed'];
  void reply.code(status).header('Content-Type', JSON_CONTENT_TYPE).send(errorBody(message));
}
