import { Controller, Get, Res } from '@nestjs/common';
import { LienthongMetrics } from '@lienthong/observability';
import type { FastifyReply } from 'fastify';

/** Prometheus scrape endpoint on the router's port (text exposition format 0.0.4). */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: LienthongMetrics) {}

  @Get()
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const text = await this.metrics.text();
    void reply.header('content-type', this.metrics.contentType).header('cache-control', 'no-store');
    return text;
  }
}
