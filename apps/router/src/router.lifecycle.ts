import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConsumerLagCollector, LienthongMetrics } from '@lienthong/observability';
import type { Kafka } from 'kafkajs';
import { AuditWriter } from './audit/audit-writer.service.js';
import { RouterCommands } from './commands/router-commands.service.js';
import type { RouterConfig } from './config/router-config.js';
import { ROUTER_CONFIG } from './config/router-config.js';
import { RecordConsumer } from './fanout/record-consumer.service.js';
import { KAFKA_CLIENT } from './kafka/kafka-client.token.js';
import { RouterKafka } from './kafka/router-kafka.service.js';
import { RouterRegistry } from './registry/router-registry.service.js';
import { RetryConsumer } from './retries/retry-consumer.service.js';

/**
 * Starts the router in dependency order: producer and owned topics, registry replica (caught
 * up before anything is routed), audit writer, then the record, retry and command consumers.
 */
@Injectable()
export class RouterLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Router');
  private lag: ConsumerLagCollector | undefined;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly routerKafka: RouterKafka,
    private readonly registry: RouterRegistry,
    private readonly audit: AuditWriter,
    readonly records: RecordConsumer,
    readonly retries: RetryConsumer,
    readonly commands: RouterCommands,
    private readonly metrics: LienthongMetrics,
    @Inject(ROUTER_CONFIG) private readonly config: RouterConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.routerKafka.start();
    await this.registry.start();
    await this.audit.start();
    this.lag = new ConsumerLagCollector({
      kafka: this.kafka,
      groups: [this.config.consumerGroup, this.retries.groupId],
    });
    this.metrics.watchConsumerLag(this.lag);
    this.metrics.watchKafka(() => this.routerKafka.isReachable());
    const state = this.registry.state;
    this.metrics.bounds.typesFrom({
      has: (t) => state.latest(t) !== undefined,
      size: () => state.types().length,
    });
    this.metrics.bounds.subscriptionsFrom({
      has: (id) => state.subscriptions.get(id) !== undefined,
      size: () => state.subscriptions.list().length,
    });
    this.metrics.bounds.allowGroups([this.config.consumerGroup, this.retries.groupId]);
    await this.records.start();
    await this.retries.start();
    await this.commands.start();
    this.logger.log(`routing as group ${this.config.consumerGroup}`);
    if (this.config.disclosureSubjectSecret === undefined) {
      this.logger.warn(
        'DISCLOSURE_SUBJECT_SECRET is not set: deliveries of personal data are not logged as disclosures',
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lag?.close().catch(() => undefined);
  }

  async checks(): Promise<Record<string, 'up' | 'down'>> {
    return {
      kafka: (await this.routerKafka.isReachable()) ? 'up' : 'down',
      registry: this.registry.log.isCaughtUp() ? 'up' : 'down',
      consumer: this.records.isReady() ? 'up' : 'down',
      retries: this.retries.isReady() ? 'up' : 'down',
      commands: this.commands.isReady() ? 'up' : 'down',
    };
  }
}
