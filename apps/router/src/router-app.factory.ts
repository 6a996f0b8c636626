import 'reflect-metadata';
import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { RouterConfig } from './config/router-config.js';
import { RouterModule } from './router.module.js';

/**
 * Builds the router (not yet listening): its consumers start during `init`/`listen`, after the
 * registry replica caught up. The HTTP side is only health and metrics. Shared by main.ts and
 * the tests.
 */
export async function createRouterApp(
  config: RouterConfig,
  options: { logger?: LogLevel[] | false } = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    RouterModule.forRoot(config),
    new FastifyAdapter(),
    {
      logger: options.logger ?? ['log', 'warn', 'error'],
    },
  );
  app.enableShutdownHooks();
  return app;
}
