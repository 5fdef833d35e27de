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
    bodyLimit: config.http.bodyLimitBytes,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Socket inactivity in both directions: a client that stops reading its response.
    connectionTimeout: config.http.idleTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    requestTimeout: config.http.requestTimeoutMs,
    http: {
      headersTimeout: config.http.headersTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
      // Checked by answerMissingHost (the request gate) instead, so the 400 is in the contract's shape.
      requireHostHeader: false,
    },
    trustProxy: config.http.trustProxy,
    frameworkErrors: contractFrameworkErrors,
    clientErrorHandler: contractClientErrorHandler({
      maxHeaderBytes: maxHeaderSize,
      headersTimeoutMs: config.http.headersTimeoutMs,
      requestTimeoutMs: config.http.requestTimeoutMs,
    }),
  };
}
