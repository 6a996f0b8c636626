import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import type { JsonLogOptions } from '@lienthong/observability';
import { APP_LOG, httpRequestId, logHttpRequests } from '@lienthong/observability';
import { AppModule } from './app.module.js';
import { clientErrorHandler, frameworkErrors } from './common/framework-errors.js';
import { createGatewayPino } from './common/logging.js';
import { registerRawJsonBody } from './common/raw-json-body.js';
import type { GatewayConfig } from './config/gateway-config.js';

/** The Fastify adapter the gateway runs on: body limit, request ids, poisoning guards. */
export function createGatewayAdapter(config: GatewayConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.maxBodyBytes,
    genReqId: httpRequestId,
    // Fastify's router answers 404 for a path parameter over 100 characters (its default) before
    // any handler runs; a type name of 101+ characters must reach the handler to be refused as
    // 400 invalid-type-name (docs/registry.md). 1024 still bounds the router's work.
    maxParamLength: 1024,
    // Fastify's own JSON handling is replaced below; keep its poisoning guards on regardless.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // What Node's parser and Fastify's router refuse is problem+json too (docs/reliability.md).
    frameworkErrors,
    clientErrorHandler,
  });
}

/**
 * What every gateway app gets after creation: JSON logs (Nest's own lines through pino, one
 * line per request), raw JSON bodies, request id header, shutdown hooks.
 */
export function configureGatewayApp(
  app: NestFastifyApplication,
  config: GatewayConfig,
): NestFastifyApplication {
  const fastify = app.getHttpAdapter().getInstance();
  app.useLogger(app.get(Logger));
  logHttpRequests(fastify, app.get<symbol, PinoLogger>(APP_LOG));
  registerRawJsonBody(fastify, config.maxBodyBytes);
  // Graceful shutdown (SIGTERM → app.close → fastify.close): the listener stops at once, new
  // requests on open connections get 503, requests in flight finish; their connections must then
  // close too, or server.close() would wait for clients' keep-alive to expire. (The listener
  // stops listening as soon as the close starts.)
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (!fastify.server.listening) void reply.header('connection', 'close');
  });
  app.enableShutdownHooks();
  return app;
}

/** `logger`: Nest-style levels (tests: `['error']`) or `false`, default `LOG_LEVEL`; `logDestination`: default stdout. */
export type GatewayAppOptions = JsonLogOptions;

/** Builds the gateway application (not yet listening). Shared by main.ts and the tests. */
export async function createGatewayApp(
  config: GatewayConfig,
  options: GatewayAppOptions = {},
): Promise<NestFastifyApplication> {
  const log = createGatewayPino(config.logLevel, options);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, log),
    createGatewayAdapter(config),
    { bodyParser: false, bufferLogs: true },
  );
  return configureGatewayApp(app, config);
}
