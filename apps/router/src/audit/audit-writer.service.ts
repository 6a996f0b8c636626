import { Injectable, Logger } from '@nestjs/common';
import type { AuditFacts } from '@lienthong/delivery';
import { AUDIT_TOPIC, AuditChain } from '@lienthong/delivery';
import type { Message } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { RouterKafka } from '../kafka/router-kafka.module.js';

/**
 * Writes delivery, retry and dead-letter events to `lienthong.audit`, hash-chained per
 * partition and writer. Writes are serialised so that chain order is log order; the partition
 * is chosen here (murmur2 of the message id, as any Kafka client would) because an event must
 * know its partition before it is hashed.
 */
@Injectable()
export class AuditWriter {
  private readonly logger = new Logger('Audit');
  private readonly chain = new AuditChain();
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private partitions = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly kafka: RouterKafka) {}

  async start(): Promise<void> {
    const admin = await this.kafka.sharedAdmin();
    const { topics } = await admin.fetchTopicMetadata({ topics: [AUDIT_TOPIC] });
    this.partitions = topics[0]?.partitions.length ?? 0;
    if (this.partitions === 0) throw new Error(`${AUDIT_TOPIC} has no partitions`);
  }

  /** Appends events; resolves once Kafka acknowledged them. */
  write(facts: AuditFacts[]): Promise<void> {
    if (facts.length === 0) return Promise.resolve();
    const run = this.queue.then(() => this.send(facts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async send(facts: AuditFacts[]): Promise<void> {
    const partitionMetadata = Array.from({ length: this.partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      partitionErrorCode: 0,
    }));
    const messages: Message[] = facts.map((f) => {
      const partition = this.partitioner({
        topic: AUDIT_TOPIC,
        partitionMetadata,
        message: { key: f.messageId, value: null },
      });
      const event = this.chain.next(partition, f);
      return {
        key: f.messageId,
        partition,
        value: JSON.stringify(event),
        headers: { 'content-type': 'application/json' },
      };
    });
    try {
      await this.kafka.write([{ topic: AUDIT_TOPIC, messages }]);
    } catch (error) {
      // The events may or may not be in the log: continue on new chains rather than fork one.
      this.chain.restart();
      this.logger.warn(`audit write failed; continuing as writer ${this.chain.writerId}`);
      throw error;
    }
  }
}
