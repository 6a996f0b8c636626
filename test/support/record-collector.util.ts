import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { decodeKafkaHeaders } from '@lienthong/contracts';

export interface CollectedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** The Kafka timestamp (epoch ms): when the producer wrote it. */
  timestamp: number;
}

/**
 * An independent consumer (its own group, from the beginning) that collects every record of
 * the given topics, indexed by `ce_id`. Tests poll it with a deadline.
 */
export class RecordCollector {
  readonly byId = new Map<string, CollectedRecord>();
  readonly all: CollectedRecord[] = [];
  private readonly consumer: Consumer;

  constructor(kafka: Kafka) {
    this.consumer = kafka.consumer({ groupId: `test-collector-${randomUUID()}`, retry: { retries: 10 } });
  }

  async start(topics: string[]): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        const record: CollectedRecord = {
          topic,
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: decodeKafkaHeaders(message.headers),
          timestamp: Number(message.timestamp),
        };
        this.all.push(record);
        const id = record.headers['ce_id'];
        if (id) this.byId.set(id, record);
        return Promise.resolve();
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** Sum of the high watermarks of a topic: how many records it has ever received. */
export async function topicEndOffsets(kafka: Kafka, topic: string): Promise<bigint> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + BigInt(p.high), 0n);
  } finally {
    await admin.disconnect();
  }
}
