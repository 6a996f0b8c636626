import type { OnModuleInit } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { LienthongMetrics } from '@lienthong/observability';
import type { FastifyInstance } from 'fastify';

/**
 * Records every HTTP request in `lienthong_http_request_duration_seconds` from a Fastify
 * `onResponse` hook, so requests refused before a controller runs (guards, body parsing, 404)
 * count too. The route label is the matched route pattern (`/v1/messages/:type`), never the
 * raw URL, and `other` when nothing matched: a client choosing URLs cannot add series.
 */
@Injectable()
export class HttpMetricsHook implements OnModuleInit {
  private readonly fastify: FastifyInstance;

  constructor(
    adapterHost: HttpAdapterHost,
    private readonly metrics: LienthongMetrics,
  ) {
    this.fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Providers are built before Nest registers the controllers' routes (at app.init), so
    // every route pattern passes through here and becomes the allow-list of the route label.
    this.fastify.addHook('onRoute', (route) => {
      metrics.bounds.allowRoutes([route.url]);
    });
  }

  onModuleInit(): void {
    this.fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.is404 ? undefined : request.routeOptions.url;
      // elapsedTime: milliseconds since Fastify received the request.
      this.metrics.httpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }
}
