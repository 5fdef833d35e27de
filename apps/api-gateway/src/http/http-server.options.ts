import { maxHeaderSize, type Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';
import type { GatewayConfig } from '../config';
import { contractClientErrorHandler } from './client-error.handler';
import { contractFrameworkErrors, MAX_PARAM_LENGTH } from './framework-errors';

/**
 * Node checks the headers and request timeouts on a timer (30 s by default), so a 10 s limit could
 * otherwise take up to 40 s to act. Walking the open connections once a second is cheap.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

/** The gateway's Fastify server: its limits, timeouts, and errors below the router in the contract's shape. */
export function httpServerOptions(config: GatewayConfig): FastifyHttpOptions<Server> {
  return {
    bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Socket inactivity in both directions: a client that stops reading its response.
    connectionTimeout: config.HTTP_IDLE_TIMEOUT_MS,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    http: {
      headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
      // Checked by installHostHeaderCheck instead, so the 400 is in the contract's shape.
      requireHostHeader: false,
    },
    trustProxy: config.TRUST_PROXY,
    frameworkErrors: contractFrameworkErrors,
    clientErrorHandler: contractClientErrorHandler({
      maxHeaderBytes: maxHeaderSize,
      headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    }),
  };
}
