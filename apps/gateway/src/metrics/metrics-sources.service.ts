import type { OnModuleInit } from '@nestjs/common';
import { Injectable, Optional } from '@nestjs/common';
import type { SchemaVersionState } from '@lienthong/observability';
import { LienthongMetrics } from '@lienthong/observability';
import { RegistryLog, RegistryState } from '@lienthong/registry';
import { GatewayKeyring } from '@lienthong/trust';
import { KafkaLifecycle } from '../kafka/kafka-lifecycle.service.js';

/**
 * Connects the metrics to what the gateway knows: label allow-lists follow the registry (its
 * types and agencies, live), and the registry, Kafka and signing-key gauges read their
 * sources at each scrape.
 */
@Injectable()
export class MetricsSources implements OnModuleInit {
  constructor(
    private readonly metrics: LienthongMetrics,
    private readonly state: RegistryState,
    private readonly log: RegistryLog,
    private readonly kafka: KafkaLifecycle,
    @Optional() private readonly keyring?: GatewayKeyring,
  ) {}

  onModuleInit(): void {
    const { metrics, state, log, kafka, keyring } = this;
    metrics.bounds.typesFrom({
      has: (type) => state.latest(type) !== undefined,
      size: () => state.size().types,
    });
    metrics.bounds.agenciesFrom({
      has: (agency) => state.agencies.isActive(agency) || state.agencies.get(agency) !== undefined,
      size: () => state.agencies.size(),
    });
    metrics.watchRegistry({
      isCaughtUp: () => log.isCaughtUp(),
      recordsApplied: () => log.progress().applied,
      typeCount: () => state.size().types,
      versionCounts: () => {
        const counts: Partial<Record<SchemaVersionState, number>> = {};
        for (const type of state.types()) {
          for (const version of state.versions(type))
            counts[version.state] = (counts[version.state] ?? 0) + 1;
        }
        return counts;
      },
    });
    metrics.watchKafka(() => kafka.isReachable());
    if (keyring) {
      metrics.watchSigningKey(() => {
        const key = keyring.activeKey();
        return { kid: key.kid, createdAtMs: key.createdAt };
      });
    }
  }
}
