import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { auditTopicSpec } from '@lienthong/audit';
import { DEAD_LETTER_TOPIC, RETRY_TOPIC_PREFIX, inboxTopic } from '@lienthong/delivery';
import { ROUTER_COMMAND_TOPIC } from '@lienthong/delivery';
import { DISCLOSURE_TOPIC, disclosureTopicConfig } from '@lienthong/contracts';
import { ensureTopics, reachabilityProbe } from '@lienthong/kafka';
import type { TopicSpec } from '@lienthong/kafka';
import type { Admin, CompressionTypes, Kafka, Message, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import type { RouterConfig } from '../config/router-config.js';
import { ROUTER_CONFIG } from '../config/router-config.js';
import { KAFKA_CLIENT } from './kafka-client.token.js';

/** Headroom over the gateway's largest body for headers (same as record topics). */
const TOPIC_MAX_MESSAGE_BYTES = String(2 * 1_048_576);

export function retryTopic(n: number): string {
  return `${RETRY_TOPIC_PREFIX}${n}`;
}

/**
 * The router's Kafka side: one idempotent producer (`acks=-1`, one request in flight) for
 * inboxes, retries, dead letters and audit; the topics it owns, created on first use.
 */
@Injectable()
export class RouterKafka implements OnApplicationShutdown {
  private readonly logger = new Logger('Kafka');
  readonly producer: Producer;
  private connection: Promise<void> | undefined;
  private readonly knownTopics = new Set<string>();
  private admin: Admin | undefined;
  private probe: (() => Promise<boolean>) | undefined;

  constructor(
    @Inject(KAFKA_CLIENT) readonly kafka: Kafka,
    @Inject(ROUTER_CONFIG) private readonly config: RouterConfig,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
  }

  /** Connects the producer and creates the fixed topics (retries, dead letters, audit, commands, disclosures). */
  async start(): Promise<void> {
    this.connection ??= this.producer.connect();
    await this.connection;
    const rf = this.config.kafkaReplicationFactor;
    const retryPartitions = this.config.retryTopicPartitions;
    await this.ensure([
      ...this.config.retryDelaysMs.map((_, i) => this.spec(retryTopic(i + 1), retryPartitions)),
      this.spec(DEAD_LETTER_TOPIC, retryPartitions),
      auditTopicSpec(this.config.auditTopicPartitions, rf),
      { topic: ROUTER_COMMAND_TOPIC, numPartitions: 1, replicationFactor: rf },
      {
        topic: DISCLOSURE_TOPIC,
        numPartitions: this.config.disclosureTopicPartitions,
        replicationFactor: rf,
        configEntries: disclosureTopicConfig(this.config.disclosureRetentionDays),
      },
    ]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
    await this.admin?.disconnect().catch(() => undefined);
  }

  /** Creates `lienthong.inbox.<agency>` for agencies not seen yet by this router. */
  async ensureInboxes(agencies: Iterable<string>): Promise<void> {
    const missing = [...new Set(agencies)].map(inboxTopic).filter((t) => !this.knownTopics.has(t));
    if (missing.length > 0)
      await this.ensure(missing.map((t) => this.spec(t, this.config.inboxTopicPartitions)));
  }

  /** Writes messages to several topics in one request; resolves once Kafka acknowledged all. */
  async write(
    topicMessages: { topic: string; messages: Message[] }[],
    compression?: CompressionTypes,
  ): Promise<void> {
    const nonEmpty = topicMessages.filter((t) => t.messages.length > 0);
    if (nonEmpty.length === 0) return;
    await this.producer.sendBatch({
      topicMessages: nonEmpty,
      acks: -1,
      timeout: this.config.produceAckTimeoutMs,
      ...(compression !== undefined && { compression }),
    });
  }

  /** A long-lived admin client (offsets, metadata). */
  async sharedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  /** Whether Kafka answers metadata; cached for a second. */
  isReachable(): Promise<boolean> {
    this.probe ??= reachabilityProbe(this.kafka);
    return this.probe();
  }

  private spec(topic: string, numPartitions: number): TopicSpec {
    return {
      topic,
      numPartitions,
      replicationFactor: this.config.kafkaReplicationFactor,
      configEntries: { 'max.message.bytes': TOPIC_MAX_MESSAGE_BYTES },
    };
  }

  private async ensure(specs: TopicSpec[]): Promise<void> {
    const created = await ensureTopics(this.kafka, specs);
    for (const s of specs) this.knownTopics.add(s.topic);
    if (created.length > 0) this.logger.log(`created topics ${created.join(', ')}`);
  }
}
