import { Global, Module } from '@nestjs/common';
import { LienthongMetrics } from '@lienthong/observability';
import { HttpMetricsHook } from './http-metrics.hook.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsSources } from './metrics-sources.service.js';

/**
 * `GET /metrics` and the gateway's metrics. Global, so any service can inject
 * `LienthongMetrics` and record what it does.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    { provide: LienthongMetrics, useFactory: (): LienthongMetrics => new LienthongMetrics() },
    HttpMetricsHook,
    MetricsSources,
  ],
  exports: [LienthongMetrics],
})
export class MetricsModule {}
