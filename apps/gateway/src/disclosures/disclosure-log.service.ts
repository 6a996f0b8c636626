import { randomUUID } from 'node:crypto';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DISCLOSURE_TOPIC, disclosureTopicConfig, parseDisclosureEvent } from '@lienthong/contracts';
import { deleteConsumerGroup, ensureTopics, fetchTopicOffsetsWhenServed } from '@lienthong/kafka';
import type { Consumer, Kafka } from 'kafkajs';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';
import { KAFKA_CLIENT } from '../kafka/kafka-client.token.js';
import { KafkaLifecycle } from '../kafka/kafka-lifecycle.service.js';
import { DisclosureIndex } from './disclosure-index.js';

/**
 * Keeps this replica's `DisclosureIndex`: reads `lienthong.disclosures` from the beginning with a
 * consumer group of its own (every replica holds every entry, as with the registry) and follows
 * it. Lookups answer once the index has caught up with the end of the topic as it was at start.
 */
@Injectable()
export class DisclosureLog implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Disclosures');
  readonly index = new DisclosureIndex();
  private consumer: Consumer | undefined;
  private readonly groupId = `lienthong-gateway-disclosures-${randomUUID()}`;
  /** Per partition, the last offset to read before the index counts as caught up. */
  private readonly targets = new Map<number, number>();
  private caughtUp = false;
  private skipped = 0;
  private stopped = false;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly kafkaLifecycle: KafkaLifecycle,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Whether lookups can be answered: a secret is configured and the index has caught up. */
  isReady(): boolean {
    return this.config.disclosureSubjectSecret !== undefined && this.caughtUp;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.disclosureSubjectSecret === undefined) {
      this.logger.warn('DISCLOSURE_SUBJECT_SECRET is not set: disclosure lookups answer 503');
      return;
    }
    await this.kafkaLifecycle.connected();
    await ensureTopics(this.kafka, [
      {
        topic: DISCLOSURE_TOPIC,
        numPartitions: this.config.disclosureTopicPartitions,
        replicationFactor: this.config.kafkaReplicationFactor,
        configEntries: disclosureTopicConfig(this.config.disclosureRetentionDays),
      },
    ]);
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (const p of await fetchTopicOffsetsWhenServed(admin, DISCLOSURE_TOPIC)) {
        const last = Number(p.high) - 1;
        if (last >= Number(p.low)) this.targets.set(p.partition, last);
      }
    } finally {
      await admin.disconnect();
    }
    this.checkCaughtUp();
    const started = Date.now();
    // Record batches may be as large as the topic's 4 MiB: fetch at least one whole.
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 30_000,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: 8 * 1_048_576,
      // After shutdown, a crash (the broker went away) must not restart the consumer, or it
      // retries forever and keeps the process alive.
      retry: { retries: 10, restartOnFailure: () => Promise.resolve(!this.stopped) },
    });
    // Known before it connects, so a shutdown during start-up still disconnects it.
    this.consumer = consumer;
    if (this.stopped) return;
    await consumer.connect();
    await consumer.subscribe({ topic: DISCLOSURE_TOPIC, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: ({ batch }) => {
        for (const message of batch.messages) {
          const event = message.value ? parseDisclosureEvent(message.value) : undefined;
          if (event) this.index.add(event, batch.partition, Number(message.offset));
          else this.skipped++;
          const target = this.targets.get(batch.partition);
          if (target !== undefined && Number(message.offset) >= target) this.targets.delete(batch.partition);
        }
        if (!this.caughtUp && this.checkCaughtUp()) {
          this.logger.log(
            `disclosure index caught up: ${this.index.entries} entries in ${Date.now() - started} ms` +
              (this.skipped > 0 ? `, ${this.skipped} unreadable skipped` : ''),
          );
        }
        return Promise.resolve();
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (!this.consumer) return;
    await this.consumer.disconnect().catch(() => undefined);
    // The group only served this process: leave no empty group behind on the broker.
    await deleteConsumerGroup(this.kafka, this.groupId);
  }

  private checkCaughtUp(): boolean {
    if (this.targets.size === 0) this.caughtUp = true;
    return this.caughtUp;
  }
}
