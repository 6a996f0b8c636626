import 'reflect-metadata';
import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { registerRawJsonBody, requestId } from './common/raw-json-body.js';
import type { GatewayConfig } from './config/gateway-config.js';

/** The Fastify adapter the gateway runs on: body limit, request ids, poisoning guards. */
export function createGatewayAdapter(config: GatewayConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.maxBodyBytes,
    genReqId: requestId,
    // Fastify's own JSON handling is replaced below; keep its poisoning guards on regardless.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
}

/** What every gateway app gets after creation: raw JSON bodies, request id header, shutdown hooks. */
export function configureGatewayApp(
  app: NestFastifyApplication,
  config: GatewayConfig,
): NestFastifyApplication {
  const fastify = app.getHttpAdapter().getInstance();
  registerRawJsonBody(fastify, config.maxBodyBytes);
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.enableShutdownHooks();
  return app;
}

/** Builds the gateway application (not yet listening). Shared by main.ts and the tests. */
export async function createGatewayApp(
  config: GatewayConfig,
  options: { logger?: LogLevel[] | false } = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    createGatewayAdapter(config),
    { bodyParser: false, logger: options.logger ?? ['log', 'warn', 'error'] },
  );
  return configureGatewayApp(app, config);
}
