import type { IHeaders, Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';

/** Where Kafka placed a record. */
export interface RecordCoordinates {
  topic: string;
  partition: number;
  offset: string;
}

export interface OutgoingRecord {
  key: string;
  value: Buffer;
  headers: IHeaders;
}

/**
 * The write side for accepted records: idempotent, `acks=-1` (all in-sync replicas),
 * one request in flight per broker so retries cannot reorder. A send resolves only once Kafka
 * acknowledged the write; every failure rejects, and the caller must not issue a receipt.
 */
export class RecordProducer {
  private readonly producer: Producer;

  constructor(
    private readonly kafka: Kafka,
    options: { ackTimeoutMs?: number; retries?: number } = {},
  ) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 5_000;
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // The Java client's murmur2 partitioner, so keys land where any other Kafka client expects.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: options.retries ?? 3, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
  }

  private readonly ackTimeoutMs: number;
  private readonly partitionCounts = new Map<string, number>();
  private readonly partitioner = Partitioners.DefaultPartitioner();

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Writes one record and resolves with its coordinates after the broker acknowledged it. */
  async send(topic: string, record: OutgoingRecord): Promise<RecordCoordinates> {
    const [result] = await this.producer.send({
      topic,
      acks: -1,
      timeout: this.ackTimeoutMs,
      messages: [{ key: record.key, value: record.value, headers: record.headers }],
    });
    if (!result || result.errorCode !== 0 || result.baseOffset === undefined) {
      throw new Error(`Kafka did not acknowledge the write to ${topic} (error code ${result?.errorCode})`);
    }
    return { topic, partition: result.partition, offset: result.baseOffset };
  }

  /**
   * Writes several records to one topic in one produce request and returns each record's
   * coordinates, in order. Partitions are chosen here with the same murmur2 partitioner, so
   * that each record's offset is known: Kafka assigns consecutive offsets per partition from
   * the batch's base offset, in the order the records were sent.
   */
  async sendBatch(topic: string, records: OutgoingRecord[]): Promise<RecordCoordinates[]> {
    if (records.length === 0) return [];
    const partitionCount = await this.partitionCount(topic);
    const partitionMetadata = Array.from({ length: partitionCount }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      partitionErrorCode: 0,
    }));
    const messages = records.map((record) => {
      const message = { key: record.key, value: record.value, headers: record.headers };
      return { ...message, partition: this.partitioner({ topic, partitionMetadata, message }) };
    });
    const results = await this.producer.send({ topic, acks: -1, timeout: this.ackTimeoutMs, messages });
    const base = new Map<number, bigint>();
    for (const r of results) {
      if (r.errorCode !== 0 || r.baseOffset === undefined) {
        throw new Error(`Kafka did not acknowledge the write to ${topic} (error code ${r.errorCode})`);
      }
      base.set(r.partition, BigInt(r.baseOffset));
    }
    const seen = new Map<number, bigint>();
    return messages.map(({ partition }) => {
      const index = seen.get(partition) ?? 0n;
      seen.set(partition, index + 1n);
      const first = base.get(partition);
      if (first === undefined) throw new Error(`Kafka returned no offset for ${topic}/${partition}`);
      return { topic, partition, offset: String(first + index) };
    });
  }

  private async partitionCount(topic: string): Promise<number> {
    const cached = this.partitionCounts.get(topic);
    if (cached !== undefined) return cached;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const count = topics[0]?.partitions.length ?? 0;
      if (count === 0) throw new Error(`topic ${topic} has no partitions`);
      this.partitionCounts.set(topic, count);
      return count;
    } finally {
      await admin.disconnect();
    }
  }
}
