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

  constructor(kafka: Kafka, options: { ackTimeoutMs?: number; retries?: number } = {}) {
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
}
