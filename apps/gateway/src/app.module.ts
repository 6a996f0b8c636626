import type { DynamicModule } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { APP_LOG, jsonLoggerModule } from '@lienthong/observability';
import { AgenciesModule } from './agencies/agencies.module.js';
import { AsyncApiModule } from './asyncapi/asyncapi.module.js';
import { GatewayAuditModule } from './audit/gateway-audit.module.js';
import { CcompatModule } from './ccompat/ccompat.module.js';
import { DisclosuresModule } from './disclosures/disclosures.module.js';
import { AccessGuard } from './common/access.guard.js';
import { createGatewayPino } from './common/logging.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import type { GatewayConfig } from './config/gateway-config.js';
import { GATEWAY_CONFIG } from './config/gateway-config.js';
import { HealthModule } from './health/health.module.js';
import { KafkaModule } from './kafka/kafka.module.js';
import { MessagesModule } from './messages/messages.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { RegistryModule } from './registry/registry.module.js';
import { OAuthModule } from './oauth/oauth.module.js';
import { SchemasModule } from './schemas/schemas.module.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { TrustModule } from './trust/trust.module.js';

@Module({})
export class AppModule {
  /** `log`: the root JSON logger (default: stdout at `LOG_LEVEL`). */
  static forRoot(
    config: GatewayConfig,
    log: PinoLogger = createGatewayPino(config.logLevel, {}),
  ): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        jsonLoggerModule(log),
        KafkaModule,
        RegistryModule,
        TrustModule,
        GatewayAuditModule,
        RateLimitModule,
        OAuthModule,
        AgenciesModule,
        MessagesModule,
        SchemasModule,
        SubscriptionsModule,
        DisclosuresModule,
        CcompatModule,
        AsyncApiModule,
        HealthModule,
        MetricsModule,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: APP_LOG, useValue: log },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
      exports: [GATEWAY_CONFIG, APP_LOG],
    };
  }
}
