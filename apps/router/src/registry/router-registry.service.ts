import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ensureTopics, fetchTopicOffsetsWhenServed } from '@lienthong/kafka';
import { REGISTRY_TOPIC, registryTopicSpec, RegistryLog, RegistryState } from '@lienthong/registry';
import type { Kafka } from 'kafkajs';
import type { RouterConfig } from '../config/router-config.js';
import { ROUTER_CONFIG } from '../config/router-config.js';
import { KAFKA_CLIENT } from '../kafka/kafka-client.token.js';
import { RouterKafka } from '../kafka/router-kafka.service.js';

/**
 * The router's own replica of the registry (types, personal-data pointers, agencies, grants,
 * subscriptions). It only reads: seeding and every write are the gateway's.
 */
@Injectable()
export class RouterRegistry implements OnApplicationShutdown {
  private readonly logger = new Logger('Registry');
  private inFlightSync: { startedAt: number; done: Promise<void> } | undefined;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    readonly log: RegistryLog,
    readonly state: RegistryState,
    private readonly routerKafka: RouterKafka,
    @Inject(ROUTER_CONFIG) private readonly config: RouterConfig,
  ) {}

  async start(): Promise<void> {
    await ensureTopics(this.kafka, [registryTopicSpec(this.config.kafkaReplicationFactor)]);
    const started = Date.now();
    await this.log.start();
    this.logger.log(
      `caught up with ${this.log.progress().applied} registry records in ${Date.now() - started} ms`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.log.stop();
  }

  /**
   * Resolves once this replica applied every registry record written before the call. A
   * subscription is created (and answered) before the records it must receive are published,
   * so syncing before routing a batch means no record misses a subscription that preceded it.
   * Concurrent callers share a sync that started after them.
   */
  sync(timeoutMs = 10_000): Promise<void> {
    const calledAt = Date.now();
    const current = this.inFlightSync;
    if (current && current.startedAt >= calledAt) return current.done;
    const done = this.syncNow(timeoutMs).finally(() => {
      if (this.inFlightSync?.done === done) this.inFlightSync = undefined;
    });
    this.inFlightSync = { startedAt: calledAt, done };
    return done;
  }

  private async syncNow(timeoutMs: number): Promise<void> {
    const admin = await this.routerKafka.sharedAdmin();
    const [partition] = await fetchTopicOffsetsWhenServed(admin, REGISTRY_TOPIC);
    const target = BigInt(partition?.high ?? '0') - 1n;
    const deadline = Date.now() + timeoutMs;
    while (this.log.progress().offset < target) {
      if (Date.now() > deadline)
        throw new Error(`registry replica did not reach offset ${target} in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
