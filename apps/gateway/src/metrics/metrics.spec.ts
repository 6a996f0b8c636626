import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { LienthongMetrics } from '@lienthong/observability';
import { HttpMetricsHook } from './http-metrics.hook.js';
import { MetricsController } from './metrics.controller.js';

@Controller('things')
class ThingsController {
  @Get(':id')
  get(@Param('id') id: string): { id: string } {
    return { id };
  }
}

/** The HTTP part of MetricsModule, without the registry and Kafka sources. */
@Module({
  controllers: [MetricsController, ThingsController],
  providers: [{ provide: LienthongMetrics, useFactory: () => new LienthongMetrics() }, HttpMetricsHook],
})
class HttpMetricsTestModule {}

describe('HTTP metrics hook and GET /metrics', () => {
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(HttpMetricsTestModule, new FastifyAdapter(), {
      logger: ['error'],
    });
    // Over real HTTP: Fastify's inject() needs a CommonJS build of `cookie` that Jest ESM lacks.
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
  });

  const request = (method: string, path: string): Promise<Response> => fetch(`${url}${path}`, { method });

  const scrape = async (): Promise<string> => {
    const response = await request('GET', '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return response.text();
  };

  it('allows exactly the registered route patterns', () => {
    const metrics = app.get(LienthongMetrics);
    expect(metrics.bounds.route('/things/:id')).toBe('/things/:id');
    expect(metrics.bounds.route('/metrics')).toBe('/metrics');
    expect(metrics.bounds.route('/things/42')).toBe('other');
  });

  it('labels requests with the route pattern, never the URL, and unmatched ones as other', async () => {
    for (const id of ['a', 'b', 'c']) {
      expect((await request('GET', `/things/${id}`)).status).toBe(200);
    }
    expect((await request('GET', '/nowhere/at/all')).status).toBe(404);
    expect((await request('DELETE', '/things/a')).status).toBe(404);
    const text = await scrape();
    expect(text).toContain(
      'lienthong_http_request_duration_seconds_count{method="GET",route="/things/:id",status="200"} 3',
    );
    expect(text).toContain(
      'lienthong_http_request_duration_seconds_count{method="GET",route="other",status="404"} 1',
    );
    expect(text).toContain(
      'lienthong_http_request_duration_seconds_count{method="DELETE",route="other",status="404"} 1',
    );
    expect(text).not.toMatch(/route="\/things\/[abc]"/);
    expect(text).not.toContain('/nowhere');
  });

  it('counts the scrapes themselves', async () => {
    await scrape();
    const text = await scrape();
    expect(text).toMatch(
      /lienthong_http_request_duration_seconds_count\{method="GET",route="\/metrics",status="200"\} [1-9]/,
    );
  });
});
