import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { JsonLogOptions } from '@lienthong/observability';
import { createJsonLogger, httpRequestId, logHttpRequests } from '@lienthong/observability';
import { Logger } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import type { RouterConfig } from './config/router-config.js';
import { RouterModule } from './router.module.js';

/** The `app` field of every router log line. */
export const ROUTER_APP_NAME = 'lienthong-router';

/** The router's root JSON logger (`LOG_LEVEL`, unless `options.logger` says otherwise). */
export function createRouterLogger(config: RouterConfig, options: JsonLogOptions = {}): PinoLogger {
  return createJsonLogger(ROUTER_APP_NAME, config.logLevel, options);
}

/**
 * Builds the router (not yet listening): its consumers start during `init`/`listen`, after the
 * registry replica caught up. The HTTP side is only health and metrics, one JSON line per
 * request like the gateway's. Shared by main.ts and the tests.
 *
 * `options.logger`: Nest-style levels (tests: `['error']`) or `false`, default `LOG_LEVEL`;
 * `options.logDestination`: where the JSON lines go, default stdout.
 */
export async function createRouterApp(
  config: RouterConfig,
  options: JsonLogOptions = {},
): Promise<NestFastifyApplication> {
  const log = createRouterLogger(config, options);
  const app = await NestFactory.create<NestFastifyApplication>(
    RouterModule.forRoot(config, log),
    new FastifyAdapter({ genReqId: httpRequestId }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  logHttpRequests(fastify, log);
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.enableShutdownHooks();
  return app;
}
