import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { recordTopic } from '@lienthong/contracts';
import { RecordProducer, ensureTopics, reachabilityProbe } from '@lienthong/kafka';
import type { Kafka } from 'kafkajs';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';
import { KAFKA_CLIENT } from './kafka-client.token.js';

/** Headroom over the HTTP body limit for CloudEvents headers. */
const TOPIC_MAX_MESSAGE_BYTES = 2 * 1_048_576;

/**
 * Owns the gateway's Kafka connections: connects the producer at startup, creates record
 * topics as types appear, and flushes and closes the producer on shutdown.
 */
@Injectable()
export class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Kafka');
  private probe: (() => Promise<boolean>) | undefined;
  private readonly knownTopics = new Set<string>();
  private connection: Promise<void> | undefined;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly producer: RecordProducer,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): Promise<void> {
    return this.connected();
  }

  /** Resolves once the producer is connected (idempotent). */
  connected(): Promise<void> {
    this.connection ??= this.producer.connect();
    return this.connection;
  }

  /** Never throws: a dead broker must not keep the other shutdown hooks from running. */
  async onApplicationShutdown(): Promise<void> {
    await this.producer
      .disconnect()
      .catch((error: unknown) => this.logger.warn(`producer disconnect: ${String(error)}`));
  }

  /** Creates `lienthong.records.<type>` for types whose topic this replica has not seen yet. */
  async ensureRecordTopics(types: string[]): Promise<void> {
    const missing = types.map(recordTopic).filter((t) => !this.knownTopics.has(t));
    if (missing.length === 0) return;
    const created = await ensureTopics(
      this.kafka,
      missing.map((topic) => ({
        topic,
        numPartitions: this.config.recordTopicPartitions,
        replicationFactor: this.config.kafkaReplicationFactor,
        configEntries: { 'max.message.bytes': String(TOPIC_MAX_MESSAGE_BYTES) },
      })),
    );
    for (const topic of missing) this.knownTopics.add(topic);
    if (created.length > 0) this.logger.log(`created topics ${created.join(', ')}`);
  }

  /** Whether Kafka answers metadata; cached for a second so probes cannot flood the cluster. */
  isReachable(): Promise<boolean> {
    this.probe ??= reachabilityProbe(this.kafka);
    return this.probe();
  }
}
