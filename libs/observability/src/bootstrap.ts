import { NestFactory } from '@nestjs/core';
import type { DynamicModule, Type } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';
import { createLogger } from './logger';
import { initMetrics } from './metrics';
import { PinoNestLogger } from './nest-logger';
import { stopOnSignals } from './stop-on-signals';

export interface ServiceBootstrapOptions {
  /** The `service` label and log field. */
  service: string;
  port: number;
  /** Default `0.0.0.0`. */
  host?: string;
  logLevel?: string;
  /** Fastify server options (limits, timeouts, error handlers). Default: a 64 KiB body limit. */
  fastify?: FastifyHttpOptions<Server>;
  /** Extra set-up before listen (swagger, filters, body limits...). */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
}

/**
 * Every service: Fastify, JSON logs, metrics, a graceful SIGTERM within 10 s (stopOnSignals), then listen.
 *
 * `skipMiddie`: no service uses Nest (Express-style) middleware, and @fastify/middie would
 * otherwise run a hook on every request for none.
 */
export async function bootstrapService(rootModule: Type<unknown> | DynamicModule, opts: ServiceBootstrapOptions): Promise<NestFastifyApplication> {
  const logger = createLogger(opts.service, opts.logLevel ?? 'info');
  initMetrics(opts.service);
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, new FastifyAdapter({ bodyLimit: 64 * 1024, skipMiddie: true, ...opts.fastify }), {
    logger: new PinoNestLogger(),
    bufferLogs: false,
  });
  let started = false;
  const detach = stopOnSignals(app, () => started);
  // An app closed by its caller (a test) leaves no signal listener behind.
  app.getHttpServer().once('close', detach);
  await opts.configure?.(app);
  await app.listen(opts.port, opts.host ?? '0.0.0.0');
  started = true;
  logger.info({ port: opts.port }, `${opts.service} listening on ${opts.host ?? '0.0.0.0'}:${opts.port}`);
  return app;
}
