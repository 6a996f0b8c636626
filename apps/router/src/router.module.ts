import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { APP_LOG, LienthongMetrics, jsonLoggerModule } from '@lienthong/observability';
import type { Logger as PinoLogger } from 'pino';
import { AuditWriter } from './audit/audit-writer.service.js';
import { RouterCommands } from './commands/router-commands.service.js';
import type { RouterConfig } from './config/router-config.js';
import { ROUTER_CONFIG } from './config/router-config.js';
import { Deliverer } from './fanout/deliverer.service.js';
import { KeyPseudonyms } from './fanout/key-pseudonyms.js';
import { RecordConsumer } from './fanout/record-consumer.service.js';
import { HealthController } from './health/health.controller.js';
import { RouterKafkaModule } from './kafka/router-kafka.module.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { RouterRegistryModule } from './registry/router-registry.module.js';
import { RouterRegistry } from './registry/router-registry.service.js';
import { RetryConsumer } from './retries/retry-consumer.service.js';
import { RouterLifecycle } from './router.lifecycle.js';
import { RouterTrustModule } from './trust/router-trust.module.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.service.js';

/** The router: same libs as the gateway, different things started (design: "Runtime pieces"). */
@Module({})
export class RouterModule {
  /** `log`: the root JSON logger (`createRouterLogger`). */
  static forRoot(config: RouterConfig, log: PinoLogger): DynamicModule {
    return {
      module: RouterModule,
      global: true,
      imports: [jsonLoggerModule(log), RouterKafkaModule, RouterRegistryModule, RouterTrustModule],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: ROUTER_CONFIG, useValue: config },
        { provide: APP_LOG, useValue: log },
        { provide: LienthongMetrics, useFactory: (): LienthongMetrics => new LienthongMetrics() },
        {
          provide: KeyPseudonyms,
          inject: [RouterRegistry],
          useFactory: (registry: RouterRegistry): KeyPseudonyms =>
            new KeyPseudonyms(registry.state, config.keyPseudonymSecret),
        },
        AuditWriter,
        WebhookDispatcher,
        Deliverer,
        RecordConsumer,
        RetryConsumer,
        RouterCommands,
        RouterLifecycle,
      ],
      exports: [ROUTER_CONFIG, LienthongMetrics],
    };
  }
}
