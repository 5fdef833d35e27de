import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody, JSON_CONTENT_TYPE } from './error-body';

/**
 * HTTP/1.1 requires a Host header. Node would refuse a request without one itself, with an empty
 * 400 outside the contract, so the server is built with `requireHostHeader: false` and the same
 * rule is applied here in the contract's shape. A check of the request gate (request-gate.hook.ts):
 * true when it answered the request.
 */
export function answerMissingHost(request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.raw.httpVersion !== '1.1' || request.headers.host !== undefined) return false;
  void reply.code(400).header('Connection', 'close').header('Content-Type', JSON_CONTENT_TYPE).send(errorBody('an HTTP/1.1 request needs a Host header'));
  return true;
}
